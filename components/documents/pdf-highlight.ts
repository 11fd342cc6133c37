/**
 * Finds which text items of a PDF page (pdf.js text layer spans) hold a passage. Both sides are
 * reduced to lowercase letters and digits, so differences in spacing, line breaks, hyphenation
 * and punctuation between the parser's text and the text layer do not matter. The passage is
 * anchored by its first and last characters; if those are not found verbatim, the anchors slide
 * inward. Best effort: when nothing anchors, nothing is highlighted.
 */

const ANCHOR = 32;
const SLIDE_STEP = 8;
const MAXIMUM_SLIDE = 400;

function normalize(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
}

export function matchTextItems(items: string[], passage: string): number[] {
  const target = normalize(passage);
  if (target.length < 8) return [];
  let page = "";
  const owner: number[] = [];
  items.forEach((item, index) => {
    const normalized = normalize(item);
    page += normalized;
    for (let count = 0; count < normalized.length; count += 1) owner.push(index);
  });
  const anchor = Math.min(ANCHOR, target.length);

  let start = -1;
  for (let offset = 0; offset <= Math.min(MAXIMUM_SLIDE, target.length - anchor); offset += SLIDE_STEP) {
    const found = page.indexOf(target.slice(offset, offset + anchor));
    if (found !== -1) {
      start = found;
      break;
    }
  }
  if (start === -1) return [];

  let end = -1;
  for (let offset = 0; offset <= Math.min(MAXIMUM_SLIDE, target.length - anchor); offset += SLIDE_STEP) {
    const piece = target.slice(target.length - anchor - offset, target.length - offset);
    const found = page.lastIndexOf(piece);
    if (found !== -1 && found + piece.length > start) {
      end = found + piece.length - 1;
      break;
    }
  }
  if (end === -1) end = Math.min(page.length - 1, start + target.length - 1);

  const first = owner[start];
  const last = owner[end];
  if (first === undefined || last === undefined) return [];
  const indices: number[] = [];
  for (let index = first; index <= last; index += 1) indices.push(index);
  return indices;
}
