/**
 * Unity Catalog registered models and the Provisioned Throughput eligibility check, as the product reads them
 * to decide whether a `system.ai.<model>` version can be served (reference §1 form 3, §2 "Confirm by listing").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support.js';

const MODELS = '/api/2.1/unity-catalog/models';
const OPTIMIZATION = '/api/2.0/serving-endpoints/get-model-optimization-info';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('GET /api/2.1/unity-catalog/models', () => {
  it('lists the system.ai foundation models with their names', async () => {
    const { status, body } = await h.call('GET', `${MODELS}?catalog_name=system&schema_name=ai`);
    expect(status).toBe(200);
    expect(body.next_page_token).toBeUndefined();
    expect(body.registered_models).toContainEqual({
      name: 'gpt-oss-120b',
      catalog_name: 'system',
      schema_name: 'ai',
      full_name: 'system.ai.gpt-oss-120b',
    });
    const names = body.registered_models.map((m: { full_name: string }) => m.full_name);
    expect(names).toEqual(expect.arrayContaining(['system.ai.llama_v3_3_70b_instruct', 'system.ai.databricks-claude-sonnet-4-6']));
    expect(names.every((n: string) => n.startsWith('system.ai.'))).toBe(true);
  });

  it('pages with max_results and next_page_token, every model exactly once', async () => {
    const all = (await h.call('GET', `${MODELS}?catalog_name=system&schema_name=ai`)).body.registered_models;
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const query = `catalog_name=system&schema_name=ai&max_results=2${token ? `&page_token=${encodeURIComponent(token)}` : ''}`;
      const { status, body } = await h.call('GET', `${MODELS}?${query}`);
      expect(status).toBe(200);
      expect(body.registered_models.length).toBeLessThanOrEqual(2);
      seen.push(...body.registered_models.map((m: { full_name: string }) => m.full_name));
      token = body.next_page_token;
      pages += 1;
    } while (token && pages < 20);
    expect(pages).toBe(Math.ceil(all.length / 2));
    expect(seen).toEqual(all.map((m: { full_name: string }) => m.full_name));
  });

  it.each([
    ['an unknown catalog', 'catalog_name=nowhere&schema_name=ai', 404, 'RESOURCE_DOES_NOT_EXIST', /Catalog 'nowhere'/],
    ['an unknown schema', 'catalog_name=system&schema_name=nothing', 404, 'RESOURCE_DOES_NOT_EXIST', /Schema 'system\.nothing'/],
    ['a catalog without a schema', 'catalog_name=system', 400, 'INVALID_PARAMETER_VALUE', /together/],
    ['a negative max_results', 'catalog_name=system&schema_name=ai&max_results=-1', 400, 'INVALID_PARAMETER_VALUE', /max_results/],
    ['a forged page_token', 'catalog_name=system&schema_name=ai&page_token=bm90LWEtbnVtYmVy', 400, 'INVALID_PARAMETER_VALUE', /page_token/],
  ])('refuses %s', async (_label, query, status, code, message) => {
    const response = await h.call('GET', `${MODELS}?${query}`);
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ error_code: code, message: expect.stringMatching(message) });
  });

  it('lists the versions of a model, READY, as integers', async () => {
    const { status, body } = await h.call('GET', `${MODELS}/system.ai.gpt-oss-120b/versions`);
    expect(status).toBe(200);
    expect(body.model_versions).toEqual([
      { model_name: 'gpt-oss-120b', catalog_name: 'system', schema_name: 'ai', version: 1, status: 'READY' },
      { model_name: 'gpt-oss-120b', catalog_name: 'system', schema_name: 'ai', version: 2, status: 'READY' },
    ]);
    const missing = await h.call('GET', `${MODELS}/system.ai.gpt-9/versions`);
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});

describe('GET /api/2.0/serving-endpoints/get-model-optimization-info/{name}/{version}', () => {
  it.each([
    ['a throughput-band model answers its chunk size', 'system.ai.llama_v3_3_70b_instruct/1', { optimizable: true, throughput_chunk_size: 9500 }],
    ['a model-unit model answers its model-unit chunk size', 'system.ai.gpt-oss-120b/2', { optimizable: true, model_unit_chunk_size: 50 }],
    ['a listed model that Provisioned Throughput cannot serve', 'system.ai.databricks-claude-sonnet-4-6/1', { optimizable: false }],
    ['a published version that is not yet optimizable', 'system.ai.llama-4-maverick/2', { optimizable: false }],
  ])('%s', async (_label, path, expected) => {
    const { status, body } = await h.call('GET', `${OPTIMIZATION}/${path}`);
    expect(status).toBe(200);
    expect(body).toEqual(expected);
  });

  it('answers 404 for a model or a version that does not exist', async () => {
    for (const path of ['system.ai.gpt-9/1', 'system.ai.gpt-oss-120b/7']) {
      const { status, body } = await h.call('GET', `${OPTIMIZATION}/${path}`);
      expect(status).toBe(404);
      expect(body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    }
  });
});
