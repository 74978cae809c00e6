/**
 * The workshop's Markdown state file keeps its state in fenced ```yaml blocks. A block either carries its
 * top-level keys (`llm_role_endpoints:`) or holds bare keys under a heading that names the key
 * (`## endpoint_guardrail_audit`); both merge into one state object.
 */
import { isRecord, type StateData } from '../shared/records.js';

export interface YamlBlock {
  /** Offsets into the file: the opening fence line starts at `start`; `end` is just past the closing fence. */
  start: number;
  end: number;
  /** Offsets of the block's content (between the fences). */
  contentStart: number;
  contentEnd: number;
  content: string;
  /** 1-based file line of the content's first line. */
  contentStartLine: number;
  /** The nearest Markdown heading above the block, without `#` marks and backticks. */
  heading: string | undefined;
}

const FENCE_OPEN = /^(?<indent> {0,3})(?<fence>`{3,}|~{3,})[ \t]*(?<lang>[A-Za-z0-9_-]*)[^\n]*$/;

export function findYamlBlocks(text: string): YamlBlock[] {
  const blocks: YamlBlock[] = [];
  const lines = text.split('\n');
  let offset = 0;
  let heading: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const lineStart = offset;
    offset += line.length + 1;
    const headingMatch = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (headingMatch) {
      heading = headingMatch[1]?.replace(/`/g, '').trim();
      continue;
    }
    const open = FENCE_OPEN.exec(line.replace(/\r$/, ''));
    if (!open?.groups) continue;
    const fence = open.groups.fence ?? '```';
    const lang = (open.groups.lang ?? '').toLowerCase();
    // Find the closing fence of the same character, at least as long.
    let j = i + 1;
    let closeOffset = offset;
    let found = false;
    for (; j < lines.length; j++) {
      const candidate = (lines[j] ?? '').replace(/\r$/, '');
      if (new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`).test(candidate)) {
        found = true;
        break;
      }
      closeOffset += (lines[j] ?? '').length + 1;
    }
    const contentStart = offset;
    const contentEnd = found ? closeOffset : text.length;
    const end = found ? Math.min(text.length, closeOffset + (lines[j] ?? '').length + 1) : text.length;
    if (lang === 'yaml' || lang === 'yml') {
      blocks.push({
        start: lineStart,
        end,
        contentStart,
        contentEnd,
        content: text.slice(contentStart, contentEnd),
        contentStartLine: i + 2,
        heading,
      });
    }
    // Skip the fenced block's lines so '#' comments inside it are not taken as headings.
    for (let k = i + 1; k <= j && k < lines.length; k++) offset += (lines[k] ?? '').length + 1;
    i = j;
  }
  return blocks;
}

/** Top-level sections of the workshop state whose names are single words. */
const WORD_SECTIONS = new Set(['Foundation', 'Phase1', 'Modules']);

/**
 * A heading that names a state key: `llm_role_endpoints`, `Foundation.f4_gateway`. Prose headings ("State",
 * "Phase 1.2 endpoints") are not keys, so only snake_case or dotted identifiers and known sections count.
 */
function headingKey(heading: string | undefined): string[] | undefined {
  if (!heading || !/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/.test(heading)) return undefined;
  const keyPath = heading.split('.');
  const looksLikeKey = heading.includes('_') || keyPath.length > 1 || WORD_SECTIONS.has(heading);
  return looksLikeKey ? keyPath : undefined;
}

export function mergeBlocks(blocks: Array<{ heading: string | undefined; value: StateData }>): StateData {
  const state: StateData = {};
  for (const { heading, value } of blocks) {
    const keyPath = headingKey(heading);
    const first = keyPath?.[0];
    // Bare keys under a heading that names a state key nest under it, unless the block already carries the key.
    const nested = keyPath && first !== undefined && !(first in value) ? nest(keyPath, value) : value;
    deepMerge(state, nested);
  }
  return state;
}

function nest(keyPath: string[], value: StateData): StateData {
  return keyPath.reduceRight<StateData>((inner, key) => ({ [key]: inner }), value);
}

function deepMerge(target: StateData, source: StateData): void {
  for (const [key, value] of Object.entries(source)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const existing = target[key];
    if (isRecord(existing) && isRecord(value)) deepMerge(existing, value);
    else target[key] = value;
  }
}
