/**
 * Letters with no space or line break, in a fixed pseudo-random order: the worst case of
 * tiktoken's merge (a repeated letter would merge cheaply).
 */
export function unbrokenLetters(count: number, seed = 7): string {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return String.fromCharCode(97 + Math.floor((state / 2147483648) * 26));
  }).join("");
}
