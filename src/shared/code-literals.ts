/**
 * Values written into generated code and SQL as literals of that language, never spliced in raw: a workspace
 * host is whatever WHATWG URL accepts (`"`, `'`, `$()`, backticks and braces included) and a name is whatever
 * the workspace returned, so text the product generates must not run what a value says. Pure.
 */

/**
 * A Python or TypeScript string literal: JSON's string grammar is a subset of both (ECMAScript 2019 admits
 * U+2028/U+2029 in strings; Python reads `\"`, `\\`, `\n`, `\uXXXX` alike), and a JSON string has no
 * interpolation in either language (it is never an f-string or a template literal).
 */
export function codeString(value: string): string {
  return JSON.stringify(value);
}

/**
 * One POSIX shell word with the exact value: single-quoted, where nothing expands, each `'` written as `'\''`.
 * A NUL cannot travel in a shell word at all, so it is refused rather than dropped.
 */
export function shellWord(value: string): string {
  if (value.includes('\0')) throw new Error('a NUL character cannot be written in a shell word');
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/** A SQL identifier part in back quotes, each back quote doubled (Databricks SQL's escape inside `…`). */
export function sqlIdentifier(value: string): string {
  return `\`${value.replaceAll('`', '``')}\``;
}

/** A dotted Unity Catalog name (`catalog.schema.name`), each part quoted (UC names hold no `.`). */
export function sqlQualifiedName(fullName: string): string {
  return fullName.split('.').map(sqlIdentifier).join('.');
}

/** A Markdown code fence around `code` that no run of back quotes inside it can close early. */
export function fenced(language: string, code: string): string {
  const longest = Math.max(0, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${code.trimEnd()}\n${fence}`;
}
