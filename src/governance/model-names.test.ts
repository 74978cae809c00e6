import { describe, expect, it } from 'vitest';
import { endpointsByModel, isFoundationModel, payPerTokenEndpointOf, SECRET_REFERENCE, secretReference } from './model-names.js';

describe('pay-per-token names, offline', () => {
  it('reads system.ai.<m> and system.ai.databricks-<m> as databricks-<m>, and prefers what the workspace answered', () => {
    expect(payPerTokenEndpointOf('system.ai.databricks-claude-sonnet-4-6')).toBe('databricks-claude-sonnet-4-6');
    expect(payPerTokenEndpointOf('system.ai.gpt-oss-120b')).toBe('databricks-gpt-oss-120b');
    const resolved = endpointsByModel({ 'databricks-meta-llama-3-3-70b-instruct': { endpoint: 'databricks-meta-llama-3-3-70b-instruct', model: 'system.ai.llama_v3_3_70b_instruct', source: 'GET' } });
    expect(payPerTokenEndpointOf('system.ai.llama_v3_3_70b_instruct', resolved)).toBe('databricks-meta-llama-3-3-70b-instruct');
  });

  it('maps only the resolutions that named a model, by the model in lower case', () => {
    expect(endpointsByModel({ a: { endpoint: 'databricks-a', model: 'System.AI.A', source: 'GET' }, b: { endpoint: 'databricks-b', problem: 'not found', settle: 'ask' } })).toEqual({ 'system.ai.a': 'databricks-a' });
    expect(endpointsByModel(undefined)).toEqual({});
  });

  it('maps nothing else, nor the bare prefix', () => {
    for (const name of ['workshop.ops.model', 'system.ai.', 'system.aix.model']) expect(payPerTokenEndpointOf(name)).toBeUndefined();
  });

  it('tells foundation models from other Unity Catalog models', () => {
    expect(isFoundationModel('system.ai.llama')).toBe(true);
    expect(isFoundationModel('workshop.system.ai.llama')).toBe(false);
  });
});

describe('secret references', () => {
  it('writes the reference form that the pattern reads back', () => {
    const reference = secretReference('gw', 'token');
    expect(reference).toBe('{{secrets/gw/token}}');
    expect(SECRET_REFERENCE.exec(reference)?.slice(1)).toEqual(['gw', 'token']);
  });

  it('accepts only a whole reference with a scope and key of allowed characters', () => {
    for (const text of ['dapi123', '{{secrets/gw}}', ' {{secrets/gw/token}}', '{{secrets/gw/token}} x', '{{secrets/g w/token}}', `{{secrets/${'s'.repeat(129)}/k}}`]) {
      expect(SECRET_REFERENCE.test(text), text).toBe(false);
    }
    expect(SECRET_REFERENCE.test(`{{secrets/a.b-c_1/${'k'.repeat(128)}}}`)).toBe(true);
  });
});
