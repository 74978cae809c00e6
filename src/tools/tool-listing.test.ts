import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { slim } from './advertised-schema.js';
import { toolEntries, loadToolSpecs } from './tool-list.js';
import { listedSchema, listingOf } from './tool-listing.js';

const schema = z.object({
  name: z.string().min(1).max(10),
  ids: z.array(z.string()).min(1).max(3),
  count: z.number().int(),
  mail: z.string().email(),
  maxLength: z.string().optional(),
});
const tool = { name: 't', title: 'T', description: 'd', kind: 'read' as const, idempotent: true, openWorld: false, input: schema, output: schema };

describe('a tool listing', () => {
  it('advertises zod\'s schema minus what only guards the server: types, patterns, required fields and property names stay', () => {
    const json = listingOf(tool).inputJson;
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/"maxLength":\d|"minLength":\d|"maxItems":\d|"minItems":\d|\$schema|9007199254740991/);
    expect(json.required).toEqual(['name', 'ids', 'count', 'mail']);
    expect(Object.keys(json.properties as object)).toContain('maxLength');
    expect(text).toMatch(/"format":"email"/);
    expect(text).not.toMatch(/"pattern"/);
  });

  it('keeps additionalProperties: false in input schemas, drops it in output schemas', () => {
    const node = { type: 'object', properties: {}, additionalProperties: false };
    expect(slim(node, 'input')).toEqual(node);
    expect(slim(node, 'output')).toEqual({ type: 'object', properties: {} });
    const strict = z.strictObject({ a: z.string() });
    const listing = listingOf({ ...tool, input: strict, output: strict });
    expect(listing.inputJson.additionalProperties).toBe(false);
    expect(listing.outputJson).not.toHaveProperty('additionalProperties');
  });
});

describe('a listed schema', () => {
  it('lists the listing\'s JSON without loading the tool, and validates exactly as the zod schema does once loaded', async () => {
    let loads = 0;
    const listed = listedSchema(listingOf(tool).inputJson, async () => {
      loads += 1;
      return schema;
    });
    expect(listed['~standard'].jsonSchema.input({ target: 'draft-2020-12' })).toEqual(listingOf(tool).inputJson);
    expect(loads).toBe(0);
    const ok = { name: 'a', ids: ['x'], count: 1, mail: 'a@example.com' };
    expect(await listed['~standard'].validate(ok)).toEqual({ value: ok });
    // A cap the listing no longer advertises is still enforced.
    expect(await listed['~standard'].validate({ ...ok, name: 'x'.repeat(11) })).toHaveProperty('issues');
    expect(await listed['~standard'].validate({ ...ok, ids: ['a', 'b', 'c', 'd'] })).toHaveProperty('issues');
    expect(loads).toBe(3);
  });
});

describe('the tool list', () => {
  it('lists the five tools in F4 order, each listing computed from its own module', async () => {
    const specs = await loadToolSpecs();
    const entries = await toolEntries();
    expect(entries.map((entry) => entry.listing.name)).toEqual(['read_audit', 'validate_config', 'create_gateway', 'query_usage', 'tail_inference']);
    expect(entries.map((entry) => entry.listing)).toEqual(specs.map(listingOf));
    expect(await entries[2]?.load()).toBe(specs[2]);
  });
});
