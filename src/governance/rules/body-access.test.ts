/** The accessors every rule reads an untrusted create body through: any shape in, a safe view out. */
import { describe, expect, it } from 'vitest';
import { auditedName, pointer, rateLimits, servedEntities, show } from './body-access.js';

describe('reading an untrusted body', () => {
  it('sees no served entities or rate limits where the body has none or the wrong shape', () => {
    for (const body of [{}, { config: 'x' }, { config: { served_entities: { name: 'a' } } }, { config: { served_entities: 'a' } }]) {
      expect(servedEntities(body), JSON.stringify(body)).toEqual([]);
    }
    expect(rateLimits({ ai_gateway: { rate_limits: { calls: 1 } } })).toEqual([]);
    expect(servedEntities({ config: { served_entities: [{ name: 'a' }] } })).toEqual([{ name: 'a' }]);
  });
});

describe('where a finding points (RFC 6901 JSON pointers)', () => {
  it('escapes ~ and / inside a key, ~ first', () => {
    expect(pointer('config', 'served_entities', 0, 'a/b~c')).toBe('/config/served_entities/0/a~1b~0c');
    expect(pointer('~1')).toBe('/~01');
  });
});

describe('show', () => {
  it('quotes strings, writes other values as JSON, and undefined as a word', () => {
    expect(show('x')).toBe('"x"');
    expect(show({ a: [1] })).toBe('{"a":[1]}');
    expect(show(undefined)).toBe('undefined');
  });
});

describe('auditedName', () => {
  it('reads the endpoint an external model of provider databricks-model-serving wraps, and nothing from other providers', () => {
    expect(auditedName({ external_model: { name: 'databricks-claude', provider: 'databricks-model-serving' } }, 2)).toEqual({ name: 'databricks-claude', path: '/config/served_entities/2/external_model/name' });
    expect(auditedName({ external_model: { name: 'gpt-4o', provider: 'openai' } }, 0)).toBeUndefined();
    expect(auditedName({ external_model: { provider: 'databricks-model-serving' } }, 0)).toBeUndefined();
    expect(auditedName({ external_model: { name: 7, provider: 'databricks-model-serving' } }, 0)).toBeUndefined();
  });

  it('reads a system.ai model as its pay-per-token endpoint and any other entity as itself', () => {
    expect(auditedName({ entity_name: 'system.ai.llama' }, 1)).toEqual({ name: 'databricks-llama', path: '/config/served_entities/1/entity_name' });
    expect(auditedName({ entity_name: 'system.ai.llama_v3' }, 0, { 'system.ai.llama_v3': 'databricks-meta-llama-3' })).toEqual({ name: 'databricks-meta-llama-3', path: '/config/served_entities/0/entity_name' });
    expect(auditedName({ entity_name: 'team.models.m' }, 0)).toEqual({ name: 'team.models.m', path: '/config/served_entities/0/entity_name' });
    expect(auditedName({ entity_name: 3 }, 0)).toBeUndefined();
    expect(auditedName('x', 0)).toBeUndefined();
  });
});
