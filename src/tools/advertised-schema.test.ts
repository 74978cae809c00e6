import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { advertised, slim } from './advertised-schema.js';

const schema = z.object({
  name: z.string().min(1).max(10),
  ids: z.array(z.string()).min(1).max(3),
  count: z.number().int(),
  mail: z.string().email(),
  maxLength: z.string().optional(),
});

describe('the advertised schema', () => {
  it('drops what only guards the server and keeps types, patterns, required fields and property names', () => {
    const json = advertised(schema)['~standard'].jsonSchema.input({ target: 'draft-2020-12' }) as Record<string, unknown>;
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/"maxLength":\d|"minLength":\d|"maxItems":\d|"minItems":\d|\$schema|9007199254740991/);
    expect(json.required).toEqual(['name', 'ids', 'count', 'mail']);
    expect(Object.keys(json.properties as object)).toContain('maxLength');
    expect(text).toMatch(/"format":"email"/);
    expect(text).not.toMatch(/"pattern"/);
  });

  it('validates exactly as the zod schema does: a cap it no longer advertises is still enforced', async () => {
    const validate = advertised(schema)['~standard'].validate;
    const ok = { name: 'a', ids: ['x'], count: 1, mail: 'a@example.com' };
    expect(await validate(ok)).toEqual({ value: ok });
    expect(await validate({ ...ok, name: 'x'.repeat(11) })).toHaveProperty('issues');
    expect(await validate({ ...ok, ids: ['a', 'b', 'c', 'd'] })).toHaveProperty('issues');
  });

  it('keeps additionalProperties: false in input schemas, drops it in output schemas', () => {
    const node = { type: 'object', properties: {}, additionalProperties: false };
    expect(slim(node, 'input')).toEqual(node);
    expect(slim(node, 'output')).toEqual({ type: 'object', properties: {} });
  });
});
