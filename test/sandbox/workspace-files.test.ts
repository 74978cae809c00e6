/**
 * The sandbox's Workspace API and Files API for volumes are as strict as the sources say a workspace is: missing
 * paths, missing parents, imports that would overwrite, SOURCE without a language, other users' home folders,
 * volumes that do not exist or that the caller holds no privilege on, each refused with Databricks' error shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './support.js';

let h: Harness;
let alice: string;
let bob: string;
const b64 = (text: string) => Buffer.from(text).toString('base64');

beforeAll(async () => {
  h = await startHarness();
  alice = h.sandbox.addToken('alice@example.com');
  bob = h.sandbox.addToken('bob@example.com');
});

afterAll(async () => {
  await h?.close();
});

describe('Workspace API', () => {
  it('round-trips a file in the caller home folder; /Workspace is an optional mount prefix', async () => {
    expect((await h.call('POST', '/api/2.0/workspace/mkdirs', { token: alice, body: { path: '/Workspace/Users/alice@example.com/p' } })).status).toBe(200);
    expect((await h.call('POST', '/api/2.0/workspace/import', { token: alice, body: { path: '/Users/alice@example.com/p/s.md', content: b64('# s\n'), format: 'AUTO' } })).status).toBe(200);
    const status = await h.call('GET', '/api/2.0/workspace/get-status?path=%2FWorkspace%2FUsers%2Falice%40example.com%2Fp%2Fs.md', { token: alice });
    expect(status.body).toMatchObject({ object_type: 'FILE', modified_at: expect.any(Number) });
    const exported = await h.call('GET', '/api/2.0/workspace/export?path=%2FUsers%2Falice%40example.com%2Fp%2Fs.md&format=AUTO', { token: alice });
    expect(Buffer.from(exported.body.content, 'base64').toString()).toBe('# s\n');
  });

  it('refuses what a workspace refuses, in its error shape', async () => {
    const missing = await h.call('GET', '/api/2.0/workspace/get-status?path=%2FUsers%2Falice%40example.com%2Fnone', { token: alice });
    expect(missing).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    const noParent = await h.call('POST', '/api/2.0/workspace/import', { token: alice, body: { path: '/Users/alice@example.com/q/s.md', content: b64('x'), format: 'AUTO' } });
    expect(noParent).toMatchObject({ status: 404, body: { message: expect.stringMatching(/parent folder/) } });
    const again = await h.call('POST', '/api/2.0/workspace/import', { token: alice, body: { path: '/Users/alice@example.com/p/s.md', content: b64('y'), format: 'AUTO' } });
    expect(again).toMatchObject({ status: 409, body: { error_code: 'RESOURCE_ALREADY_EXISTS' } });
    const source = await h.call('POST', '/api/2.0/workspace/import', { token: alice, body: { path: '/Users/alice@example.com/p/t.md', content: b64('y') } });
    expect(source).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
    const foreign = await h.call('GET', '/api/2.0/workspace/export?path=%2FUsers%2Falice%40example.com%2Fp%2Fs.md', { token: bob });
    expect(foreign).toMatchObject({ status: 403, body: { error_code: 'PERMISSION_DENIED' } });
  });
});

describe('Files API for volumes', () => {
  const file = '/api/2.0/fs/files/Volumes/workshop/skyloyalty_ops/gateway_state/s.json';

  it('needs the volume to exist and READ/WRITE VOLUME with USE CATALOG and USE SCHEMA above', async () => {
    expect((await h.call('GET', '/api/2.0/fs/files/Volumes/workshop/skyloyalty_ops/nope/s.json')).body.error_code).toBe('NOT_FOUND');
    const refused = await h.call('PUT', file, { token: alice, body: '{}', headers: { 'content-type': 'application/octet-stream' } });
    expect(refused).toMatchObject({ status: 403, body: { error_code: 'PERMISSION_DENIED', message: expect.stringMatching(/USE CATALOG/) } });
    expect((await h.call('PUT', file, { body: '{"a":1}', headers: { 'content-type': 'application/octet-stream' } })).status).toBe(204);
    const read = await h.call('GET', file);
    expect(read.body).toEqual({ a: 1 });
    expect(read.headers['last-modified']).toMatch(/GMT$/);
    expect((await h.call('PUT', `${file}?overwrite=false`, { body: '{}', headers: { 'content-type': 'application/octet-stream' } })).status).toBe(409);
    expect((await h.call('GET', '/api/2.0/fs/files/Volumes/workshop/skyloyalty_ops/gateway_state/absent.json')).status).toBe(404);
  });
});
