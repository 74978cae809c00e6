/**
 * How deeply a tool's arguments may nest. The arguments are walked by recursive code (body validation, the
 * audit log, rendering), and a call nested thousands of levels deep would exhaust the stack there; no gateway
 * body comes near this bound (a create body nests about eight levels), so a deeper one is refused up front.
 */
import { ToolError } from '../shared/tool-error.js';

export const MAX_ARGUMENT_DEPTH = 64;

/** Throws INVALID_ARGUMENTS when `args` nests deeper than MAX_ARGUMENT_DEPTH; walks iteratively, so any depth is safe to measure. */
export function checkArgumentDepth(args: unknown): void {
  const pending: Array<{ value: unknown; depth: number }> = [{ value: args, depth: 0 }];
  while (pending.length > 0) {
    const { value, depth } = pending.pop() as { value: unknown; depth: number };
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_ARGUMENT_DEPTH) {
      throw new ToolError(
        `The arguments nest more than ${MAX_ARGUMENT_DEPTH} levels deep`,
        'no gateway body or option needs that many levels, and deeper input is refused before it is read',
        'Pass the body as it would be sent to Databricks (objects and lists a few levels deep)',
        'INVALID_ARGUMENTS',
      );
    }
    for (const item of Object.values(value as object)) pending.push({ value: item, depth: depth + 1 });
  }
}
