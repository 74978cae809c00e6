/**
 * YAML parsing with the limits untrusted files need: no alias bombs, bounded depth, and errors that name the
 * file and line without echoing the file's contents.
 */
import { load, YAMLException } from 'js-yaml';

/** Legitimate state and config files use few aliases; expansion attacks need many. */
const MAX_ALIASES = 64;

export class YamlSyntaxError extends Error {
  constructor(
    readonly reason: string,
    /** 1-based line in the file (not the block) where parsing failed, when known. */
    readonly line: number | undefined,
    readonly column: number | undefined,
  ) {
    super(line === undefined ? reason : `${reason} at line ${line}${column === undefined ? '' : `, column ${column}`}`);
  }
}

/** Parses one YAML document; `lineOffset` maps lines of an embedded block back to the enclosing file. */
export function parseYaml(text: string, lineOffset = 0): unknown {
  try {
    return load(text, { maxAliases: MAX_ALIASES, maxDepth: 64 });
  } catch (error) {
    if (error instanceof YAMLException) {
      const mark = (error as YAMLException & { mark?: { line?: number; column?: number } }).mark;
      const line = typeof mark?.line === 'number' ? mark.line + 1 + lineOffset : undefined;
      const column = typeof mark?.column === 'number' ? mark.column + 1 : undefined;
      return rethrow(new YamlSyntaxError(error.reason || 'invalid YAML', line, column));
    }
    return rethrow(new YamlSyntaxError(error instanceof Error ? error.message : String(error), undefined, undefined));
  }
}

function rethrow(error: Error): never {
  throw error;
}
