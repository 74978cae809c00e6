/**
 * Invalid-argument checks over the MCP client, in the manner of mongodb-mcp-server's shared helper: find every
 * tool argument whose schema carries a pattern, send a value that breaks it, and expect the protocol's answer.
 * The v2 SDK validates tool input itself: a failure is an InvalidParams (-32602) ProtocolError inside the
 * server, which it returns as an `isError` tool result whose text starts "Input validation error: Invalid
 * arguments for tool <name>:" and names each failing argument by its dotted path (the same on both protocol
 * eras; see docs reference mcp-sdk-v2.md "Errors").
 */
import type { Client } from '@modelcontextprotocol/client';
import { expect } from 'vitest';

export interface PatternArgument {
  tool: string;
  /** Where the argument sits, e.g. `endpoint`, `roles.*`, `alert.subscribers.*`. */
  path: string;
  pattern: string;
  minLength?: number;
  maxLength?: number;
}

interface JsonSchema {
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

/** Every argument of every listed tool whose JSON Schema has a `pattern`, nested objects and arrays included. */
export async function patternArguments(client: Client): Promise<PatternArgument[]> {
  const found: PatternArgument[] = [];
  const walk = (tool: string, schema: JsonSchema | undefined, path: string[]) => {
    if (!schema) return;
    if (schema.pattern) found.push({ tool, path: path.join('.'), pattern: schema.pattern, minLength: schema.minLength, maxLength: schema.maxLength });
    for (const [key, child] of Object.entries(schema.properties ?? {})) walk(tool, child, [...path, key]);
    walk(tool, schema.items, [...path, '*']);
    for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) walk(tool, branch, path);
  };
  for (const tool of (await client.listTools()).tools) walk(tool.name, tool.inputSchema as JsonSchema, []);
  return found;
}

/** A value that breaks the pattern but keeps its length bounds, so the pattern alone must refuse it. */
export function violating(argument: PatternArgument): string {
  const candidates = ['bad name!', 'x y', "x'; DROP TABLE t; --", '../etc', '-'];
  const pattern = new RegExp(argument.pattern, 'u');
  const value = candidates.find((c) => !pattern.test(c) && c.length >= (argument.minLength ?? 0) && c.length <= (argument.maxLength ?? Infinity));
  if (value === undefined) throw new Error(`no candidate value breaks ${argument.tool} ${argument.path} (${argument.pattern})`);
  return value;
}

/** The arguments object holding `value` at `path` (`*` steps become one-element arrays). */
export function argumentsWith(path: string, value: unknown): Record<string, unknown> {
  const steps = path.split('.');
  const build = (i: number): unknown => (i === steps.length ? value : steps[i] === '*' ? [build(i + 1)] : { [steps[i]!]: build(i + 1) });
  return build(0) as Record<string, unknown>;
}

/** Calls `tool` and expects the SDK's invalid-arguments answer naming `path` (array steps as index 0). */
export async function expectInvalidArguments(client: Client, tool: string, args: Record<string, unknown>, path: string): Promise<string> {
  const result = await client.callTool({ name: tool, arguments: args });
  expect(result.isError, `${tool} ${path}`).toBe(true);
  const text = (result.content as Array<{ type: string; text: string }>).map((c) => c.text).join('\n');
  expect(text).toMatch(new RegExp(`^Input validation error: Invalid arguments for tool ${tool}: `));
  const dotted = path.replace(/\*/g, '0').replace(/\./g, '\\.');
  // Each issue is "<path>: <message>"; the one for this argument must be there, with a message.
  expect(text, `${tool} ${path}`).toMatch(new RegExp(`(^|[:;,]\\s*|\\n)${dotted}: \\S`));
  return text;
}
