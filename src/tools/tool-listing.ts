/**
 * What tools/list says of a tool, as plain data: names, hints and the JSON Schemas an agent reads. The build
 * computes it once from the tool modules and writes it into the bundle (scripts/build-bin.mjs), so a start
 * answers tools/list without building a tool's zod schemas or converting them: about a quarter of the
 * instructions of a start went there. The tool's module (schemas, use case, renderer) loads on its first call.
 */
import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import { slim } from './advertised-schema.js';

/** The JSON Schema dialect the MCP SDK asks schemas for when it lists tools. */
const JSON_SCHEMA_TARGET = 'draft-2020-12';

/** The listed facts of a tool (define-tool.ts's ToolSpec has them all). */
interface ListedFacts {
  name: string;
  title: string;
  description: string;
  kind: 'read' | 'write';
  idempotent: boolean;
  destructive?: boolean;
  openWorld: boolean;
  ui?: { resourceUri: string };
}

export interface ToolListing extends ListedFacts {
  /** As advertised: zod's conversion, slimmed (advertised-schema.ts). */
  inputJson: Record<string, unknown>;
  outputJson: Record<string, unknown>;
}

interface ListableTool extends ListedFacts {
  input: StandardSchemaWithJSON;
  output: StandardSchemaWithJSON;
}

/** A tool as the server registers it: its listing now, its module (a ToolSpec) when first called. */
export interface ToolEntry<T extends ListableTool = ListableTool> {
  listing: ToolListing;
  load(): Promise<T>;
}

export function listingOf(spec: ListableTool): ToolListing {
  const { name, title, description, kind, idempotent, destructive, openWorld, ui } = spec;
  return {
    name,
    title,
    description,
    kind,
    idempotent,
    ...(destructive === undefined ? {} : { destructive }),
    openWorld,
    ...(ui ? { ui } : {}),
    inputJson: slim(spec.input['~standard'].jsonSchema.input({ target: JSON_SCHEMA_TARGET }), 'input') as Record<string, unknown>,
    outputJson: slim(spec.output['~standard'].jsonSchema.output({ target: JSON_SCHEMA_TARGET }), 'output') as Record<string, unknown>,
  };
}

/** An entry for a tool whose module is already loaded. */
export function entryOf<T extends ListableTool>(spec: T): ToolEntry<T> {
  return { listing: listingOf(spec), load: async () => spec };
}

/**
 * A schema the SDK can list and validate with: its JSON Schema is the listing's, and validation loads the tool
 * and runs its zod schema (every cap and pattern enforced as before).
 */
export function listedSchema(json: Record<string, unknown>, zodOf: () => Promise<StandardSchemaWithJSON>): StandardSchemaWithJSON {
  return {
    '~standard': {
      version: 1,
      vendor: 'zod',
      validate: async (value: unknown) => (await zodOf())['~standard'].validate(value),
      jsonSchema: { input: () => json, output: () => json },
    },
  } as StandardSchemaWithJSON;
}
