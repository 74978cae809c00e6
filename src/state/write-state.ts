/**
 * Records what F4 produced (`Foundation.f4_gateway`) in the state file the caller named. The edit is textual
 * and confined to that one key: in plain YAML the key's block is replaced or added; in the Markdown state
 * file the record is written as nested YAML inside a fenced yaml block (edited in place, or in a new section
 * appended at the end). Every other byte stays as it was. The edit is made on the text the store reads at
 * write time, refuses a file it cannot parse, and verifies the result parses to the intended state; the store
 * keeps the write whole and safe from concurrent writers (state-store.ts).
 */
import { dump } from 'js-yaml';

import { ToolError } from '../shared/tool-error.js';
import { findYamlBlocks, type YamlBlock } from './markdown-state.js';
import { isRecord, type StateData } from '../shared/records.js';
import { parseStateText, type StateFormat } from './parse-state.js';
import type { StateStore } from './state-store.js';

export interface StateWriteResult {
  path: string;
  format: 'yaml' | 'markdown';
  /** False when the file already held exactly this value. */
  changed: boolean;
}

const KEY_PATH = ['Foundation', 'f4_gateway'] as const;

/** Sets `Foundation.f4_gateway` to `record` in the state file `store` holds. */
export async function recordF4Gateway(store: StateStore, record: Record<string, unknown>, signal?: AbortSignal): Promise<StateWriteResult> {
  return setStateKey(store, [...KEY_PATH], record, signal);
}

export async function setStateKey(store: StateStore, keyPath: string[], value: Record<string, unknown>, signal?: AbortSignal): Promise<StateWriteResult> {
  const file = store.path;
  let format: StateFormat = 'yaml';
  const changed = await store.update((text) => {
    const parsed = parseForWrite(file, text);
    format = parsed.format;
    const before = parsed.data;
    if (equalJson(getPath(before, keyPath), value)) return undefined;
    const next = format === 'markdown' ? editMarkdown(text, keyPath, value) : setYamlKey(text, keyPath, value);
    const { data: after } = parseForWrite(file, next);
    if (!equalJson(after, setPath(structuredClone(before), keyPath, value))) {
      throw new ToolError(`Did not update the state file ${file}`, `${keyPath.join('.')} could not be written without changing other state (its YAML layout is unusual, e.g. flow style)`, `Add ${keyPath.join('.')} by hand, or convert that part of the file to block-style YAML`, 'STATE_FILE_LAYOUT');
    }
    return next;
  }, signal);
  return { path: file, format, changed };
}

/** The state as readers see it (the same parse); a file that does not parse is never overwritten. */
function parseForWrite(file: string, text: string): ReturnType<typeof parseStateText> {
  try {
    return parseStateText(file, text);
  } catch (error) {
    if (!(error instanceof ToolError)) throw error;
    throw new ToolError(`Did not update the state file ${file}`, `it cannot be parsed (${error.why}), and a file that cannot be parsed is never overwritten`, 'Fix the file (read_audit shows the same error), then apply again: the gateway itself is already in place', error.code);
  }
}

/**
 * Markdown: the value is written as nested YAML (`Foundation:` → `f4_gateway:` → …) inside a fenced block, so
 * a reader that merges the blocks without looking at headings finds it where it belongs. A block written the
 * old way (bare keys under a heading naming the key, which the reader nests) is rewritten nested in place; else
 * the block that holds the top-level key is edited; else a section is appended. Prose stays byte for byte.
 */
function editMarkdown(text: string, keyPath: string[], value: Record<string, unknown>): string {
  const blocks = findYamlBlocks(text);
  const top = keyPath[0] ?? '';
  const withContent = (block: YamlBlock, content: string) => text.slice(0, block.contentStart) + content + text.slice(block.contentEnd);
  for (let depth = keyPath.length; depth >= 1; depth -= 1) {
    const headingPath = keyPath.slice(0, depth);
    const rest = keyPath.slice(depth);
    const candidates = blocks.filter((b) => b.heading === headingPath.join('.') && !hasTopLevelKey(b.content, top));
    const block = candidates.find((b) => rest.length === 0 || hasTopLevelKey(b.content, rest[0] ?? '')) ?? candidates[0];
    if (block) return withContent(block, setYamlKey(nestUnder(block.content, headingPath), keyPath, value));
  }
  const holders = blocks.filter((b) => hasTopLevelKey(b.content, top));
  const holder = holders.find((b) => keyPath.length < 2 || new RegExp(`^\\s+${escapeRegExp(keyPath[1] ?? '')}\\s*:`, 'm').test(b.content)) ?? holders[0];
  if (holder) return withContent(holder, setYamlKey(holder.content, keyPath, value));
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const section = [`## ${keyPath.join('.')}`, '', '```yaml', ...dumpYaml(nestValue(keyPath, value)).trimEnd().split('\n'), '```', ''].join(eol);
  const separator = text.length === 0 ? '' : text.endsWith('\n\n') || text.endsWith('\r\n\r\n') ? '' : text.endsWith('\n') ? eol : eol + eol;
  return text + separator + section;
}

/** Block-style YAML `content` moved under `keyPath`: the key lines first, every content line indented below them. */
function nestUnder(content: string, keyPath: string[]): string {
  const eol = content.includes('\r\n') ? '\r\n' : '\n';
  const keys = keyPath.map((key, i) => `${'  '.repeat(i)}${key}:`);
  const pad = '  '.repeat(keyPath.length);
  const lines = content.trim() === '' ? [] : content.replace(/\r?\n$/, '').split(/\r?\n/).map((line) => (line.trim() === '' ? line : pad + line));
  return [...keys, ...lines].join(eol) + eol;
}

function hasTopLevelKey(content: string, key: string): boolean {
  return new RegExp(`^${escapeRegExp(key)}\\s*:`, 'm').test(content);
}

interface Line {
  text: string;
  indent: number;
  /** Blank or comment-only: does not end or start a block. */
  filler: boolean;
}

/**
 * Sets `keyPath` to `value` in block-style YAML text, touching only the lines of that key (or inserting it at
 * the end of its parent). Everything else, comments included, stays byte for byte.
 */
export function setYamlKey(text: string, keyPath: string[], value: Record<string, unknown>): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const raw = text.length === 0 ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
  const lines: Line[] = raw.map((t) => ({ text: t, indent: t.length - t.trimStart().length, filler: /^\s*(#.*)?$/.test(t) }));
  // The top level's keys sit at indent 0: its "parent" is two to the left. The result always ends with a line end.
  return setIn(lines, 0, lines.length, -2, keyPath, value).join(eol) + eol;
}

function setIn(lines: Line[], start: number, end: number, parentIndent: number, keyPath: string[], value: Record<string, unknown>): string[] {
  const [key, ...rest] = keyPath;
  const texts = lines.map((l) => l.text);
  if (key === undefined) return texts;
  const first = lines.slice(start, end).find((l) => !l.filler);
  const indent = first ? first.indent : parentIndent + 2;
  const keyLine = new RegExp(`^\\s*${escapeRegExp(key)}\\s*:(.*)$`);
  for (let i = start; i < end; i += 1) {
    const line = lines[i]!;
    if (line.filler || line.indent !== indent) continue;
    const match = keyLine.exec(line.text);
    if (!match) continue;
    const blockEnd = endOfBlock(lines, i, end, indent);
    const inline = (match[1] ?? '').replace(/\s+#.*$/, '').trim();
    if (rest.length === 0) {
      const replacement = [`${' '.repeat(indent)}${key}:`, ...indentLines(dumpYaml(value), indent + 2)];
      return [...texts.slice(0, i), ...replacement, ...texts.slice(blockEnd)];
    }
    if (inline !== '') {
      throw new ToolError(`Cannot edit ${key} in the state file`, `${key} is written inline (${inline.slice(0, 40)}), not as a block`, `Rewrite ${key} as block-style YAML, or add the value by hand`, 'STATE_FILE_LAYOUT');
    }
    return setIn(lines, i + 1, blockEnd, indent, rest, value);
  }
  // Absent: add it after the last content line of the parent.
  let insertAt = start;
  for (let i = start; i < end; i += 1) if (!lines[i]!.filler) insertAt = i + 1;
  return [...texts.slice(0, insertAt), ...indentLines(dumpYaml(nestValue(keyPath, value)), indent), ...texts.slice(insertAt)];
}

/** Index just past the last content line belonging to the key at line `i` (trailing blanks and comments stay outside). */
function endOfBlock(lines: Line[], i: number, end: number, indent: number): number {
  let last = i;
  for (let j = i + 1; j < end; j += 1) {
    const line = lines[j]!;
    if (line.filler) continue;
    const sequenceItem = line.indent === indent && line.text.trimStart().startsWith('- ');
    if (line.indent <= indent && !sequenceItem) break;
    last = j;
  }
  return last + 1;
}

/** `{a: {b: value}}` for the key path `[a, b]`. */
function nestValue(keyPath: string[], value: Record<string, unknown>): Record<string, unknown> {
  return keyPath.reduceRight<Record<string, unknown>>((inner, key) => ({ [key]: inner }), value);
}

function dumpYaml(value: unknown): string {
  return dump(value, { lineWidth: -1 });
}

function indentLines(yaml: string, indent: number): string[] {
  const pad = ' '.repeat(indent);
  return yaml.replace(/\n$/, '').split('\n').map((line) => (line === '' ? line : pad + line));
}

function getPath(data: StateData, keyPath: string[]): unknown {
  let node: unknown = data;
  for (const key of keyPath) node = isRecord(node) ? node[key] : undefined;
  return node;
}

function setPath(data: StateData, keyPath: string[], value: unknown): StateData {
  let node: Record<string, unknown> = data;
  keyPath.forEach((key, i) => {
    if (i === keyPath.length - 1) node[key] = value;
    else {
      if (!isRecord(node[key])) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
  });
  return data;
}

function equalJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isRecord(value)) return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
  return value;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
