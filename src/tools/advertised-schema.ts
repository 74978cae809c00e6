/**
 * The JSON Schema a tool advertises in tools/list, which the model reads in every session: zod's own conversion
 * minus what only guards the server. Length and item caps, safe-integer bounds, the regex behind a `format`,
 * `$schema`, `propertyNames` that only says keys are strings, and in output schemas `additionalProperties: false`
 * cost every session tokens and tell an agent
 * nothing it acts on; the zod schema behind it still enforces all of them on every call (validation goes through
 * its `~standard.validate`, see tool-listing.ts), and a call past a cap gets the usual error. Types, enums, patterns, required
 * fields, defaults and descriptions stay.
 */
const SAFE_INTEGER_BOUND = Number.MAX_SAFE_INTEGER;
const SERVER_ONLY = new Set(['$schema', 'maxLength', 'minLength', 'maxItems', 'minItems']);

type Json = unknown;

export function slim<T extends Json>(node: T, io: 'input' | 'output'): T {
  if (Array.isArray(node)) return node.map((item) => slim(item, io)) as T;
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, Json> = {};
  const source = node as Record<string, Json>;
  for (const [key, value] of Object.entries(source)) {
    if (SERVER_ONLY.has(key)) continue;
    if ((key === 'maximum' && value === SAFE_INTEGER_BOUND) || (key === 'minimum' && value === -SAFE_INTEGER_BOUND)) continue;
    if (key === 'pattern' && typeof source.format === 'string') continue;
    if (key === 'additionalProperties' && value === false && io === 'output') continue;
    // JSON object keys are strings already.
    if (key === 'propertyNames' && JSON.stringify(value) === '{"type":"string"}') continue;
    // Defaults and enums are data, and property names are names, not schema keywords.
    if (key === 'default' || key === 'const' || key === 'enum') out[key] = value;
    else if (key === 'properties' && value !== null && typeof value === 'object')
      out[key] = Object.fromEntries(Object.entries(value).map(([name, property]) => [name, slim(property, io)]));
    else out[key] = slim(value, io);
  }
  return out as T;
}
