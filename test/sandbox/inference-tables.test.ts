/**
 * Enabling inference tables as a workspace allows it: an existing catalog and schema, the caller's USE CATALOG,
 * USE SCHEMA and CREATE TABLE, and a `<prefix>_payload` nobody holds. Also the Unity Catalog catalogs and
 * schemas API a client uses to check or create the location first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_SP } from '../../src/sandbox/seed/seed-catalog.js';
import { startHarness, waitForUpdate, type Harness } from './support.js';

const EP = '/api/2.0/serving-endpoints';
const UC = '/api/2.1/unity-catalog';
const PERMS = `${UC}/permissions`;
const model = { entity_name: 'system.ai.gpt-oss-120b', entity_version: '1', provisioned_model_units: 50 };

let h: Harness;
let agent: string;

beforeAll(async () => {
  h = await startHarness({ configUpdateMs: 100 });
  agent = h.sandbox.addToken(AGENT_SP);
});
afterAll(async () => {
  await h.close();
});

const tables = (catalog_name: string, schema_name: string, table_name_prefix: string) => ({
  inference_table_config: { enabled: true, catalog_name, schema_name, table_name_prefix },
});

/** Creates an endpoint (as `token`) with inference tables at the given location. */
const createWithTables = (name: string, location: ReturnType<typeof tables>, token?: string) =>
  h.call('POST', EP, { token, body: { name, config: { served_entities: [model] }, ai_gateway: location } });

async function grant(type: string, fullName: string, principal: string, privileges: string[]) {
  const { status } = await h.call('PATCH', `${PERMS}/${type}/${fullName}`, { body: { changes: [{ principal, add: privileges }] } });
  expect(status).toBe(200);
}

describe('the location must exist', () => {
  it.each([
    ['catalog', tables('analytics', 'gateway', 'gw'), /^Invalid ai_gateway\.inference_table_config\.catalog_name: catalog 'analytics' does not exist/],
    ['schema', tables('workshop', 'not_there', 'gw'), /^Invalid ai_gateway\.inference_table_config\.schema_name: schema 'workshop\.not_there' does not exist/],
  ])('refuses a missing %s and creates nothing', async (_what, location, message) => {
    const before = h.warehouse.payloadTables.length;
    const { status, body } = await createWithTables('missing-location', location);
    expect(status).toBe(400);
    expect(body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringMatching(message) });
    expect(h.warehouse.payloadTables).toHaveLength(before);
    expect((await h.call('GET', `${EP}/missing-location`)).status).toBe(404);
  });

  it('accepts the location once the schema is created through the Unity Catalog API', async () => {
    const created = await h.call('POST', `${UC}/schemas`, { body: { catalog_name: 'workshop', name: 'gw_fresh' } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: 'gw_fresh', catalog_name: 'workshop', full_name: 'workshop.gw_fresh', owner: 'admin@example.com' });
    expect(h.warehouse.schemas).toContain('workshop.gw_fresh');
    expect((await h.call('GET', `${UC}/schemas/workshop.gw_fresh`)).status).toBe(200);
    expect((await createWithTables('fresh-tables', tables('workshop', 'gw_fresh', 'gw'))).status).toBe(200);
    expect(h.warehouse.payloadTables.at(-1)).toEqual({ catalog: 'workshop', schema: 'gw_fresh', prefix: 'gw', endpointName: 'fresh-tables' });
  });
});

describe('the caller needs USE CATALOG, USE SCHEMA and CREATE TABLE', () => {
  it('names the first missing privilege until all three are granted; the admin holds them by ownership', async () => {
    const location = tables('workshop', 'demo_team', 'agent_gw');
    const refusals: string[] = [];
    for (const privilege of [['schema', 'USE_SCHEMA'], ['schema', 'CREATE_TABLE']] as const) {
      const { status, body } = await createWithTables('agent-tables', location, agent);
      expect(status).toBe(403);
      expect(body.error_code).toBe('PERMISSION_DENIED');
      refusals.push(body.message);
      await grant(privilege[0], 'workshop.demo_team', AGENT_SP, [privilege[1]]);
    }
    expect(refusals[0]).toMatch(/does not have USE SCHEMA on Schema 'workshop\.demo_team'.*USE CATALOG, USE SCHEMA and CREATE TABLE/);
    expect(refusals[1]).toMatch(/does not have CREATE TABLE on Schema 'workshop\.demo_team'/);
    expect((await createWithTables('agent-tables', location, agent)).status).toBe(200);
  });

  it('refuses a catalog the caller may not use, by PUT /ai-gateway too', async () => {
    const created = await h.call('POST', EP, { token: agent, body: { name: 'agent-elsewhere', config: { served_entities: [model] } } });
    expect(created.status).toBe(200);
    await waitForUpdate(h, 'agent-elsewhere');
    const { status, body } = await h.call('PUT', `${EP}/agent-elsewhere/ai-gateway`, { token: agent, body: tables('ml', 'gateway', 'agent') });
    expect(status).toBe(403);
    expect(body.message).toMatch(/does not have USE CATALOG on Catalog 'ml'/);
    expect((await h.call('PUT', `${EP}/agent-elsewhere/ai-gateway`, { body: tables('ml', 'gateway', 'agent') })).status).toBe(200);
  });
});

describe('a taken payload table', () => {
  it("refuses another endpoint's table with 409 RESOURCE_ALREADY_EXISTS", async () => {
    const { status, body } = await createWithTables('copycat', tables('workshop', 'skyloyalty_ops', 'gw'));
    expect(status).toBe(409);
    expect(body).toMatchObject({ error_code: 'RESOURCE_ALREADY_EXISTS', message: expect.stringMatching(/workshop\.skyloyalty_ops\.gw_payload is already used by endpoint 'skyloyalty-ai-gateway'/) });
  });

  it('refuses a table that outlived the endpoint that wrote it', async () => {
    expect((await createWithTables('short-lived-tables', tables('ml', 'gateway', 'leftover'))).status).toBe(200);
    await waitForUpdate(h, 'short-lived-tables');
    expect((await h.call('DELETE', `${EP}/short-lived-tables`)).status).toBe(200);
    const { status, body } = await createWithTables('reuses-leftover', tables('ml', 'gateway', 'leftover'));
    expect(status).toBe(409);
    expect(body.message).toMatch(/Table 'ml\.gateway\.leftover_payload' already exists.*table_name_prefix/);
  });
});

describe('concurrent creates of one endpoint name', () => {
  it('succeed once; every other answers 409 RESOURCE_ALREADY_EXISTS, as a workspace does', async () => {
    // The warehouse holds each new payload table until released: the window in which creates overlap.
    let release!: () => void;
    h.warehouse.gate = new Promise((resolve) => (release = resolve));
    const statuses: number[] = [];
    const replies = Array.from({ length: 5 }, () =>
      createWithTables('raced-name', tables('ml', 'gateway', 'raced')).then((reply) => {
        statuses.push(reply.status);
        return reply;
      }),
    );
    // Every create has either been answered or is waiting on the warehouse; only then does the warehouse go on.
    await expect.poll(() => statuses.length + h.warehouse.parked).toBe(5);
    release();
    delete h.warehouse.gate;
    const answered = await Promise.all(replies);
    expect(answered.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409]);
    for (const reply of answered.filter((r) => r.status === 409)) {
      expect(reply.body).toMatchObject({ error_code: 'RESOURCE_ALREADY_EXISTS', message: expect.stringMatching(/Endpoint with name 'raced-name' already exists/) });
    }
    const listed = (await h.call('GET', EP)).body.endpoints as Array<{ name: string }>;
    expect(listed.filter((e) => e.name === 'raced-name')).toHaveLength(1);
  });
});

describe('Unity Catalog catalogs and schemas', () => {
  it('answers 404 for what does not exist', async () => {
    expect((await h.call('GET', `${UC}/catalogs/nowhere`)).body).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
    expect((await h.call('GET', `${UC}/schemas/workshop.nothing`)).status).toBe(404);
    expect((await h.call('GET', `${UC}/catalogs/workshop`)).body).toMatchObject({ name: 'workshop', owner: 'admin@example.com' });
    const schemaInMissingCatalog = await h.call('POST', `${UC}/schemas`, { body: { catalog_name: 'nowhere', name: 's' } });
    expect(schemaInMissingCatalog.status).toBe(404);
  });

  it('refuses creating what exists, and what the caller may not create', async () => {
    const again = await h.call('POST', `${UC}/schemas`, { body: { catalog_name: 'workshop', name: 'skyloyalty_ops' } });
    expect(again.status).toBe(409);
    expect(again.body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    const alice = h.sandbox.addToken('alice@example.com');
    const schema = await h.call('POST', `${UC}/schemas`, { token: alice, body: { catalog_name: 'workshop', name: 'alices' } });
    expect(schema.status).toBe(403);
    expect(schema.body.message).toMatch(/does not have USE CATALOG on Catalog 'workshop'/);
    const catalog = await h.call('POST', `${UC}/catalogs`, { token: agent, body: { name: 'agents' } });
    expect(catalog.status).toBe(403);
    expect(catalog.body.message).toMatch(/CREATE CATALOG/);
  });

  it('lets a principal with USE CATALOG and CREATE SCHEMA create a schema it then owns', async () => {
    await grant('catalog', 'ml', AGENT_SP, ['USE_CATALOG', 'CREATE_SCHEMA']);
    const created = await h.call('POST', `${UC}/schemas`, { token: agent, body: { catalog_name: 'ml', name: 'agent_owned' } });
    expect(created.status).toBe(200);
    expect(created.body.owner).toBe(AGENT_SP);
    // As its owner it needs no CREATE TABLE grant to enable inference tables there.
    expect((await createWithTables('agent-owned-tables', tables('ml', 'agent_owned', 'gw'), agent)).status).toBe(200);
  });
});
