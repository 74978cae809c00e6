/**
 * YAML parsing with the limits untrusted files need: bounded expansion, bounded depth, and errors that name
 * the file and line without echoing the file's contents.
 *
 * An alias cap alone does not bound a document: 62 aliases, each naming the previous anchor twice, stand for
 * 2^31 values. The parser shares the aliased node, so the parse is quick, but anything that walks the result
 * (JSON, a deep merge, a structured clone) walks every one of them. So every parse is counted as a tree, aliases
 * expanded, against a budget of values and characters, and what the caller gets is that tree: plain objects
 * and arrays, no node shared, nothing a later walk could find larger than the budget allowed.
 */
import { load, YAMLException } from 'js-yaml';

/** Legitimate state and config files use few aliases; expansion attacks need many. */
const MAX_ALIASES = 64;
const MAX_DEPTH = 64;

/**
 * Values (every mapping, list and scalar) and characters (of keys and strings) one document may expand to.
 * State, config and price files hold a few hundred values; walking this many takes tens of milliseconds.
 * No file under the 5 MB size cap reaches the character budget without aliases.
 */
const MAX_EXPANDED_VALUES = 100_000;
const MAX_EXPANDED_CHARS = 12_000_000;

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

/** The document parses, but expands to more than its budget allows. */
export class YamlExpansionError extends Error {
  constructor(readonly limit: string) {
    super(`it holds more than ${limit}, counting each alias (*name) as the values it repeats`);
  }
}

/**
 * What one file may expand to. A file parsed in parts (the fenced blocks of a Markdown state file) shares
 * one budget, so many small blocks cannot add up to what one block may not hold.
 */
export class ExpansionBudget {
  private values = 0;
  private chars = 0;

  constructor(
    private readonly maxValues = MAX_EXPANDED_VALUES,
    private readonly maxChars = MAX_EXPANDED_CHARS,
  ) {}

  spend(values: number, chars: number): void {
    this.values += values;
    this.chars += chars;
    if (this.values > this.maxValues) throw new YamlExpansionError(`${this.maxValues.toLocaleString('en-US')} values`);
    if (this.chars > this.maxChars) throw new YamlExpansionError(`${this.maxChars.toLocaleString('en-US')} characters`);
  }
}

/**
 * Parses one YAML document; `lineOffset` maps lines of an embedded block back to the enclosing file. Throws
 * YamlSyntaxError when the text is not YAML, YamlExpansionError when it expands beyond `budget`.
 */
export function parseYaml(text: string, lineOffset = 0, budget = new ExpansionBudget()): unknown {
  let parsed: unknown;
  try {
    parsed = load(text, { maxAliases: MAX_ALIASES, maxDepth: MAX_DEPTH });
  } catch (error) {
    if (error instanceof YAMLException) {
      const mark = (error as YAMLException & { mark?: { line?: number; column?: number } }).mark;
      const line = typeof mark?.line === 'number' ? mark.line + 1 + lineOffset : undefined;
      const column = typeof mark?.column === 'number' ? mark.column + 1 : undefined;
      return rethrow(new YamlSyntaxError(error.reason || 'invalid YAML', line, column));
    }
    return rethrow(new YamlSyntaxError(error instanceof Error ? error.message : String(error), undefined, undefined));
  }
  return expand(parsed, budget);
}

/**
 * A copy of `value` as a tree, each alias written out, paid for from `budget` as it goes: the walk stops at
 * the first value over budget, so it costs no more than the budget whatever the document claims to hold.
 * Depth is bounded by the parser (aliases cannot form a cycle in a loaded document).
 */
function expand(value: unknown, budget: ExpansionBudget): unknown {
  if (Array.isArray(value)) {
    budget.spend(1, 0);
    return value.map((item) => expand(item, budget));
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    budget.spend(1, 0);
    // fromEntries defines own properties, so a `__proto__` key stays a key and never becomes a prototype.
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => {
        budget.spend(0, key.length);
        return [key, expand(item, budget)];
      }),
    );
  }
  budget.spend(1, typeof value === 'string' ? value.length : 0);
  return value;
}

function rethrow(error: Error): never {
  throw error;
}
