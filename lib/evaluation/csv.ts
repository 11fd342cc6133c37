/**
 * A small RFC 4180 CSV reader: comma-separated fields, double-quoted fields that may hold
 * commas, line breaks and doubled quotes (""), CRLF or LF line ends, and an optional UTF-8 BOM.
 * Enough for evaluation data such as the sec-10q `qna_data.csv`; not a streaming parser.
 */

/** Parses CSV text into rows of fields. A trailing line break does not add an empty row. */
export function parseCsv(text: string): string[][] {
  const input = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  // True once the current field started with a quote (so `a"b` stays literal in unquoted fields).
  let fieldWasQuoted = false;
  for (let index = 0; index < input.length; index += 1) {
    const character = input[index] as string;
    if (quoted) {
      if (character === '"') {
        if (input[index + 1] === '"') {
          field += '"';
          index += 1;
        } else {
          quoted = false;
        }
      } else {
        field += character;
      }
      continue;
    }
    if (character === '"' && field.length === 0 && !fieldWasQuoted) {
      quoted = true;
      fieldWasQuoted = true;
    } else if (character === ",") {
      row.push(field);
      field = "";
      fieldWasQuoted = false;
    } else if (character === "\n" || character === "\r") {
      if (character === "\r" && input[index + 1] === "\n") index += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      fieldWasQuoted = false;
    } else {
      field += character;
    }
  }
  if (quoted) throw new Error("The CSV ends inside a quoted field.");
  if (field.length > 0 || fieldWasQuoted || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Parses CSV with a header row into records keyed by the (trimmed) header names. */
export function parseCsvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  const names = header.map((name) => name.trim());
  return rows.filter((row) => row.some((value) => value.trim().length > 0)).map((row) => Object.fromEntries(names.map((name, index) => [name, row[index] ?? ""])));
}
