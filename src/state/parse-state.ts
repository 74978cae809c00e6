/**
 * The one parse of a state file's text, for the reader and the writer alike: plain YAML, or the Markdown
 * state file whose fenced ```yaml blocks merge into one state. One expansion budget covers the whole file.
 */
import path from 'node:path';
import { ToolError } from '../shared/tool-error.js';
import { isRecord, type StateData } from '../shared/records.js';
import { findYamlBlocks, mergeBlocks } from './markdown-state.js';
import { ExpansionBudget, parseYaml, YamlExpansionError, YamlSyntaxError } from './bounded-yaml.js';

export type StateFormat = 'yaml' | 'markdown';

export interface ParsedState {
  format: StateFormat;
  data: StateData;
  /** Nothing to read: plain YAML holding no value, or Markdown with no ```yaml block. */
  empty: boolean;
}

/** By extension; a file with another extension is Markdown when it has a ```yaml fence. */
export function stateFormat(file: string, text: string): StateFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.md' || ext === '.markdown') return 'markdown';
  if (ext === '.yaml' || ext === '.yml' || ext === '.json') return 'yaml';
  return /^```ya?ml\b/m.test(text) ? 'markdown' : 'yaml';
}

/** Parses the text of the state file `file` (named in errors). Every failure is a ToolError. */
export function parseStateText(file: string, text: string): ParsedState {
  const format = stateFormat(file, text);
  const budget = new ExpansionBudget();
  if (format === 'yaml') {
    const value = parseOrExplain(file, () => parseYaml(text, 0, budget));
    if (value === undefined || value === null) return { format, data: {}, empty: true };
    if (!isRecord(value)) {
      throw new ToolError(`The state file ${file} has the wrong shape`, `its top level is ${describeType(value)}, not a mapping of keys`, 'Pass the workshop state file (keys such as llm_role_endpoints, endpoint_guardrail_audit)', 'STATE_FILE_SHAPE');
    }
    return { format, data: value, empty: false };
  }
  const blocks = findYamlBlocks(text);
  const values = blocks.map((block) => {
    // A block with no document yet (blank, or comments only) holds no keys, as a `~` block does; the parser
    // refuses such a stream ("the input is empty"), which would make the whole file unreadable.
    if (holdsNoDocument(block.content)) return { heading: block.heading, value: {} };
    const value = parseOrExplain(file, () => parseYaml(block.content, block.contentStartLine - 1, budget));
    if (value !== null && value !== undefined && !isRecord(value)) {
      throw new ToolError(
        `The state file ${file} has a YAML block of the wrong shape`,
        `the block at line ${block.contentStartLine} is ${describeType(value)}, not a mapping of keys`,
        'Each ```yaml block must hold keys (e.g. llm_role_endpoints:)',
        'STATE_FILE_SHAPE',
      );
    }
    return { heading: block.heading, value: (value ?? {}) as StateData };
  });
  return { format, data: mergeBlocks(values), empty: blocks.length === 0 };
}

function parseOrExplain(file: string, parse: () => unknown): unknown {
  try {
    return parse();
  } catch (error) {
    if (error instanceof YamlSyntaxError) {
      throw new ToolError(`The state file ${file} is not valid YAML`, error.message, 'Fix the YAML at that line (indentation, a missing colon or quote) and call again', 'STATE_FILE_SYNTAX');
    }
    if (error instanceof YamlExpansionError) {
      throw new ToolError(
        `Refused to read the state file ${file}`,
        error.message,
        'A state file holds a few hundred values: check that this is the right file, and write repeated values out instead of through aliases',
        'STATE_FILE_TOO_MANY_VALUES',
      );
    }
    throw error;
  }
}

/** Only blank lines and `#` comments: a YAML stream without a document. */
function holdsNoDocument(content: string): boolean {
  return content.split('\n').every((line) => /^\s*(#.*)?$/.test(line));
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}
