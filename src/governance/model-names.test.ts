import { describe, expect, it } from 'vitest';
import { isFoundationModel, payPerTokenEndpointOf, SECRET_REFERENCE, secretReference, ucModelOf } from './model-names.js';

describe('pay-per-token names', () => {
  it('maps databricks-<model> endpoints to system.ai.<model> and back', () => {
    expect(ucModelOf('databricks-claude-sonnet-4-6')).toBe('system.ai.claude-sonnet-4-6');
    expect(payPerTokenEndpointOf('system.ai.claude-sonnet-4-6')).toBe('databricks-claude-sonnet-4-6');
  });

  it('maps nothing else, nor the bare prefixes', () => {
    for (const name of ['my-endpoint', 'databricks-', 'xdatabricks-model']) expect(ucModelOf(name)).toBeUndefined();
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
