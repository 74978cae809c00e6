/**
 * The Secrets API, which the product uses to check that a `{{secrets/<scope>/<key>}}` reference exists before
 * it creates a dedicated gateway: listing only, values never returned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support.js';

const SECRETS = '/api/2.0/secrets';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('Secrets API', () => {
  it('lists the seeded scope and its key', async () => {
    const scopes = await h.call('GET', `${SECRETS}/scopes/list`);
    expect(scopes.status).toBe(200);
    expect(scopes.body.scopes).toContainEqual({ name: 'ai-gateway', backend_type: 'DATABRICKS' });
    const keys = await h.call('GET', `${SECRETS}/list?scope=ai-gateway`);
    expect(keys.status).toBe(200);
    expect(keys.body.secrets).toEqual([{ key: 'fmapi-token', last_updated_timestamp: expect.any(Number) }]);
  });

  it('answers 404 RESOURCE_DOES_NOT_EXIST for an unknown scope', async () => {
    const { status, body } = await h.call('GET', `${SECRETS}/list?scope=nowhere`);
    expect(status).toBe(404);
    expect(body).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Scope nowhere does not exist!' });
    const put = await h.call('POST', `${SECRETS}/put`, { body: { scope: 'nowhere', key: 'k', string_value: 'v' } });
    expect(put.status).toBe(404);
  });

  it('creates a scope and a secret whose value no route returns', async () => {
    const value = 'dapi-never-returned-0123456789';
    expect((await h.call('POST', `${SECRETS}/scopes/create`, { body: { scope: 'team-gw' } })).status).toBe(200);
    const again = await h.call('POST', `${SECRETS}/scopes/create`, { body: { scope: 'team-gw' } });
    expect(again.status).toBe(409);
    expect(again.body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    expect((await h.call('POST', `${SECRETS}/put`, { body: { scope: 'team-gw', key: 'token', string_value: value } })).status).toBe(200);
    const listed = await h.call('GET', `${SECRETS}/list?scope=team-gw`);
    expect(listed.body.secrets.map((s: { key: string }) => s.key)).toEqual(['token']);
    for (const path of [`${SECRETS}/list?scope=team-gw`, `${SECRETS}/scopes/list`, `${SECRETS}/get?scope=team-gw&key=token`]) {
      expect(JSON.stringify((await h.call('GET', path)).body)).not.toContain(value);
    }
    expect((await h.call('GET', `${SECRETS}/get?scope=team-gw&key=token`)).status).toBe(404);
  });

  it('deletes a key and a scope', async () => {
    await h.call('POST', `${SECRETS}/scopes/create`, { body: { scope: 'short-lived' } });
    await h.call('POST', `${SECRETS}/put`, { body: { scope: 'short-lived', key: 'a', string_value: 'x' } });
    expect((await h.call('POST', `${SECRETS}/delete`, { body: { scope: 'short-lived', key: 'a' } })).status).toBe(200);
    expect((await h.call('GET', `${SECRETS}/list?scope=short-lived`)).body).toEqual({});
    expect((await h.call('POST', `${SECRETS}/delete`, { body: { scope: 'short-lived', key: 'a' } })).status).toBe(404);
    expect((await h.call('POST', `${SECRETS}/scopes/delete`, { body: { scope: 'short-lived' } })).status).toBe(200);
    expect((await h.call('GET', `${SECRETS}/list?scope=short-lived`)).status).toBe(404);
  });

  it.each([
    ['a scope name with a slash', 'scopes/create', { scope: 'a/b' }, /scope name/],
    // PY SecretsAPI.create_scope: alphanumerics, dashes, underscores and periods only.
    ['a scope name with an @', 'scopes/create', { scope: 'team@example.com' }, /scope name/],
    ['a put without a value', 'put', { scope: 'ai-gateway', key: 'k' }, /string_value/],
    ['a put with a key name holding a space', 'put', { scope: 'ai-gateway', key: 'a key', string_value: 'v' }, /key name/],
  ])('refuses %s (400)', async (_label, action, body, message) => {
    const response = await h.call('POST', `${SECRETS}/${action}`, { body });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(message) });
  });

  it('the sandbox handle adds and removes scopes and keys for tests', async () => {
    h.sandbox.secrets.put('fixture-scope', 'fixture-key');
    expect((await h.call('GET', `${SECRETS}/list?scope=fixture-scope`)).body.secrets).toEqual([
      { key: 'fixture-key', last_updated_timestamp: expect.any(Number) },
    ]);
    h.sandbox.secrets.remove('fixture-scope', 'fixture-key');
    expect((await h.call('GET', `${SECRETS}/list?scope=fixture-scope`)).body).toEqual({});
    h.sandbox.secrets.remove('fixture-scope');
    expect((await h.call('GET', `${SECRETS}/list?scope=fixture-scope`)).status).toBe(404);
  });
});
