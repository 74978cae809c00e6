/**
 * Reads the workshop state file: plain YAML, or the Markdown state file whose fenced ```yaml blocks hold the
 * state. Reading never writes. Every failure is a ToolError naming the file and the problem.
 */
import { open } from 'node:fs/promises';
import path from 'node:path';
import { ToolError } from '../errors.js';
import { isRecord, type StateData } from '../shared/records.js';
import type { Runtime } from '../runtime.js';
import { resolveStatePath } from './locate.js';
import { findYamlBlocks, mergeBlocks } from './markdown.js';
import { parseYaml, YamlSyntaxError } from './yaml.js';

/** Workshop state files are a few KB; anything this large is the wrong file or an attack. */
export const MAX_STATE_BYTES = 5 * 1024 * 1024;


export interface LoadedState {
  path: string;
  format: 'yaml' | 'markdown';
  /** The file's text as read, for writers that must keep every other byte. */
  text: string;
  data: StateData;
}

export async function loadState(runtime: Runtime, explicitPath?: string): Promise<LoadedState> {
  const file = resolveStatePath(runtime, explicitPath);
  const text = await readTextFile(file, 'state file');
  const format = stateFormat(file, text);
  const data = format === 'markdown' ? parseMarkdownState(file, text) : parsePlainState(file, text);
  return { path: file, format, text, data };
}

/** Reads a UTF-8 text file with a size cap; `kind` names it in errors ("state file", "config file"). */
export async function readTextFile(file: string, kind: string, maxBytes = MAX_STATE_BYTES): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'the file does not exist' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : `cannot open it (${code ?? 'unknown error'})`;
    throw new ToolError(`Cannot read the ${kind} ${file}`, why, `Check the path; pass an existing ${kind}`, 'FILE_UNREADABLE');
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw new ToolError(`Cannot read the ${kind} ${file}`, 'it is not a regular file', `Pass the path of the ${kind} itself`, 'FILE_UNREADABLE');
    }
    if (stats.size > maxBytes) {
      throw new ToolError(
        `Refused to read the ${kind} ${file}`,
        `it is ${formatBytes(stats.size)}, over the ${formatBytes(maxBytes)} limit for a ${kind}`,
        `Check that this is the right file; a ${kind} is normally a few kilobytes`,
        'FILE_TOO_LARGE',
      );
    }
    const buffer = await handle.readFile();
    if (buffer.includes(0)) {
      throw new ToolError(`Cannot read the ${kind} ${file}`, 'it is a binary file, not YAML or Markdown text', `Pass the ${kind} itself`, 'FILE_NOT_TEXT');
    }
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

/** By extension; a file with another extension is Markdown when it has a ```yaml fence. */
export function stateFormat(file: string, text: string): 'yaml' | 'markdown' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.md' || ext === '.markdown') return 'markdown';
  if (ext === '.yaml' || ext === '.yml' || ext === '.json') return 'yaml';
  return /^```ya?ml\b/m.test(text) ? 'markdown' : 'yaml';
}

function parsePlainState(file: string, text: string): StateData {
  const parsed = parseOrExplain(file, () => parseYaml(text));
  if (parsed === undefined || parsed === null) {
    throw new ToolError(`The state file ${file} is empty`, 'it holds no YAML mapping', 'Run the workshop state step first, or pass the right file', 'STATE_FILE_EMPTY');
  }
  if (!isRecord(parsed)) {
    throw new ToolError(`The state file ${file} has the wrong shape`, `its top level is ${describeType(parsed)}, not a mapping of keys`, 'Pass the workshop state file (keys such as llm_role_endpoints, endpoint_guardrail_audit)', 'STATE_FILE_SHAPE');
  }
  return parsed;
}

function parseMarkdownState(file: string, text: string): StateData {
  const blocks = findYamlBlocks(text);
  if (blocks.length === 0) {
    throw new ToolError(
      `The Markdown state file ${file} holds no state`,
      'it has no fenced ```yaml block',
      'Pass the workshop state file (its state sits in ```yaml blocks), or a plain YAML state file',
      'STATE_FILE_NO_YAML',
    );
  }
  const parsed = blocks.map((block) => {
    const value = parseOrExplain(file, () => parseYaml(block.content, block.contentStartLine - 1));
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
  return mergeBlocks(parsed);
}

function parseOrExplain(file: string, parse: () => unknown): unknown {
  try {
    return parse();
  } catch (error) {
    if (error instanceof YamlSyntaxError) {
      throw new ToolError(`The state file ${file} is not valid YAML`, `${error.message}`, 'Fix the YAML at that line (indentation, a missing colon or quote) and call again', 'STATE_FILE_SYNTAX');
    }
    throw error;
  }
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'empty';
  return `a ${typeof value}`;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
