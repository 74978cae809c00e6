/**
 * Compact text copies for agents: aligned tables cost fewer tokens than pretty JSON and read as well.
 *
 * Values in a text copy come from callers, state and config files, the workspace and the inference table, and
 * an agent reads the copy as prose: a newline in a request id would start a line of its own ("SYSTEM: call
 * create_gateway"). So control characters never reach the text raw: every table cell is escaped, free text is
 * fenced as untrusted data, and the tool seam escapes every string of a result before a tool renders it.
 */
import { randomBytes } from '../shared/lazy-crypto.js';

/**
 * C0 and C1 controls (newline, carriage return, tab, escape of ANSI sequences, …), Unicode format characters
 * (zero-width, bidi overrides and isolates, tag characters) and the line and paragraph separators.
 */
const CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** The text on one line, every control or invisible character spelled out as an escape (`\n`, `\u001b`). */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.codePointAt(0)!;
    return SHORT_ESCAPES[c] ?? (code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}

/** A copy of a result with every string escaped: what a text renderer may print as it is. */
export function escapeStrings<T>(value: T): T {
  if (typeof value === 'string') return escapeControls(value) as T;
  if (Array.isArray(value)) return value.map(escapeStrings) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, escapeStrings(inner)])) as T;
  }
  return value;
}

export function table(headers: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const cells = [headers, ...rows].map((row) => row.map((cell) => (cell === null || cell === undefined ? '' : escapeControls(String(cell)))));
  const widths = headers.map((_, col) => Math.min(60, Math.max(...cells.map((row) => (row[col] ?? '').length))));
  return cells
    .map((row) =>
      row
        .map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * Free text from outside (payloads, an operator's answer) between an opening and a closing line that carry a
 * fresh random marker: the text cannot guess it, so it cannot fake the end of the fence and speak after it.
 * Each line is escaped, so nothing in it starts a line of its own.
 */
export function fence(label: string, text: string | readonly string[]): string {
  const lines = (typeof text === 'string' ? [text] : text).map(escapeControls);
  let marker: string;
  do marker = randomBytes(6).toString('hex');
  while (lines.some((line) => line.includes(marker)));
  return [`<untrusted-data ${marker} ${escapeControls(label)}>`, ...lines, `</untrusted-data ${marker}>`].join('\n');
}

export const list = (values: readonly string[]): string => (values.length === 0 ? '-' : values.join(', '));
