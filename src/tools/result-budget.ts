/**
 * The result budget the tool seam enforces: how big a result may be, and the search a tool's `fit` hook uses
 * to shrink one (keep as many rows as fit). The seam measures every candidate the way it sends the result.
 */
/** About 25,000 tokens at ~4 characters a token: the most any tool result may carry (text copy plus structured JSON). */
export const RESULT_CHAR_BUDGET = 100_000;

/** Whether a candidate result fits the budget, measured as the seam will send it. */
export type Fits<T> = (candidate: T) => boolean;

/**
 * The result with the most of `count` items kept that fits: `build(n)` makes the result that keeps the first
 * `n`; sizes grow with `n`, so a binary search finds it. Keeps none when not even that fits (the seam refuses).
 */
export function largestFitting<T>(count: number, build: (keep: number) => T, fits: Fits<T>): { result: T; kept: number } {
  const whole = build(count);
  if (fits(whole)) return { result: whole, kept: count };
  let low = 0;
  let high = count - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(build(mid))) low = mid;
    else high = mid - 1;
  }
  return { result: build(low), kept: low };
}
