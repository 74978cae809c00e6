/**
 * Keeps a tabular result inside the result budget at any table size: measures the result exactly as the
 * defineTool seam does (text copy plus structured JSON) and drops trailing rows until it fits, leaving room
 * for the truncation note. Callers flag what was cut and say how to narrow.
 */
/** About 25,000 tokens at ~4 characters a token: the most any tool result may carry. */
export const RESULT_CHAR_BUDGET = 100_000;

/** Headroom for the note and anything added after fitting. */
const TARGET = Math.floor(RESULT_CHAR_BUDGET * 0.9);

export function resultSize<T>(result: T, text: (r: T) => string): number {
  return text(result).length + JSON.stringify(result).length;
}

/** The largest prefix of `rows` whose result fits; `build` makes the result for a prefix. */
export function fitRows<R, T>(rows: R[], build: (kept: R[]) => T, text: (r: T) => string): { result: T; kept: number } {
  const whole = build(rows);
  if (resultSize(whole, text) <= TARGET) return { result: whole, kept: rows.length };
  let low = 0;
  let high = rows.length;
  // Binary search on the row count: sizes grow monotonically with rows kept.
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (resultSize(build(rows.slice(0, mid)), text) <= TARGET) low = mid;
    else high = mid - 1;
  }
  return { result: build(rows.slice(0, low)), kept: low };
}
