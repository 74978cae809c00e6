import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFaultController } from '../../src/sandbox/faults.js';
import { watchTimers } from '../support/timers.js';
import { startHarness, waitForUpdate, type Harness } from './support.js';

const EP = '/api/2.0/serving-endpoints';
/** A custom model the seed registers in Unity Catalog, served on CPU compute. */
const churn = { entity_name: 'workshop.skyloyalty_ops.loyalty_churn_classifier', entity_version: '1', workload_size: 'Small' };
const createBody = (name: string) => ({ name, config: { served_entities: [churn] } });

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ configUpdateMs: 200 });
});
afterEach(() => {
  h.sandbox.faults.clear();
});
afterAll(async () => {
  await h.close();
});

describe('status faults', () => {
  it('answers 429 REQUEST_LIMIT_EXCEEDED with an integer Retry-After, once by default', async () => {
    h.sandbox.faults.add({ kind: 'status', status: 429, retryAfterSeconds: 7 });
    const limited = await h.call('GET', EP);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('7');
    expect(limited.body.error_code).toBe('REQUEST_LIMIT_EXCEEDED');
    expect((await h.call('GET', EP)).status).toBe(200);
  });

  it('answers 503 TEMPORARILY_UNAVAILABLE for as many requests as `times`', async () => {
    h.sandbox.faults.add({ kind: 'status', status: 503, times: 2 });
    for (let i = 0; i < 2; i += 1) {
      const unavailable = await h.call('GET', `${EP}/support-bot-gateway`);
      expect(unavailable.status).toBe(503);
      expect(unavailable.body.error_code).toBe('TEMPORARILY_UNAVAILABLE');
    }
    expect((await h.call('GET', `${EP}/support-bot-gateway`)).status).toBe(200);
  });

  it('hits only the requests its match selects, until removed when times is Infinity', async () => {
    const remove = h.sandbox.faults.add({ kind: 'status', status: 503, times: Infinity, match: { method: 'POST', pathPrefix: EP } });
    expect((await h.call('GET', EP)).status).toBe(200);
    expect((await h.call('POST', EP, { body: createBody('matched-1') })).status).toBe(503);
    expect((await h.call('POST', EP, { body: createBody('matched-1') })).status).toBe(503);
    expect((await h.call('GET', `${EP}/matched-1`)).status).toBe(404);
    remove();
    expect((await h.call('POST', EP, { body: createBody('matched-1') })).status).toBe(200);
  });
});

describe('latency', () => {
  it('delays the answer by at least the configured time', async () => {
    h.sandbox.faults.add({ kind: 'latency', ms: 300 });
    const started = performance.now();
    expect((await h.call('GET', EP)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('a delayed request leaves no timer behind once the sandbox closes', async () => {
    const own = await startHarness();
    const delays = watchTimers(600_000);
    try {
      own.sandbox.faults.add({ kind: 'latency', ms: 600_000 });
      const pending = own.call('GET', EP).catch((e: unknown) => e);
      await delays.armed;
      expect(await delays.pending()).toBe(1);
      await own.sandbox.close();
      expect(await pending).toBeInstanceOf(Error);
      await own.agent.close();
      expect(await delays.pending()).toBe(0);
    } finally {
      delays.stop();
    }
  });
});

describe('connection resets', () => {
  it('before processing: the client sees a dropped connection and nothing was created', async () => {
    h.sandbox.faults.add({ kind: 'reset', when: 'before', match: { method: 'POST' } });
    await expect(h.call('POST', EP, { body: createBody('reset-before') })).rejects.toThrow(/other side closed/);
    expect((await h.call('GET', `${EP}/reset-before`)).status).toBe(404);
  });

  it('after processing: the client sees a dropped connection but the endpoint was created', async () => {
    h.sandbox.faults.add({ kind: 'reset', when: 'after', match: { method: 'POST', pathPrefix: EP } });
    await expect(h.call('POST', EP, { body: createBody('reset-after') })).rejects.toThrow(/other side closed/);
    const { status, body } = await h.call('GET', `${EP}/reset-after`);
    expect(status).toBe(200);
    expect(body.name).toBe('reset-after');
    const retried = await h.call('POST', EP, { body: createBody('reset-after') });
    expect(retried.body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
  });

  it('after processing on /sql/: the warehouse handled the request, the client never got the answer', async () => {
    const handledBefore = h.warehouse.handled.length;
    h.sandbox.faults.add({ kind: 'reset', when: 'after', match: { pathPrefix: '/sql/' } });
    await expect(h.call('POST', h.sandbox.warehousePath, { body: 'thrift' })).rejects.toThrow(/other side closed/);
    expect(h.warehouse.handled.length).toBe(handledBefore + 1);
  });
});

describe('config-update faults', () => {
  it('stuck: the update stays IN_PROGRESS and further updates are refused', async () => {
    h.sandbox.faults.add({ kind: 'config-update', outcome: 'stuck', endpoint: 'stuck-ep' });
    await h.call('POST', EP, { body: createBody('stuck-ep') });
    await h.call('POST', EP, { body: createBody('unaffected') });
    // Updates take the same time and finish in order: once the later one is done, the stuck one would have been.
    expect((await waitForUpdate(h, 'unaffected')).state.config_update).toBe('NOT_UPDATING');
    const { body } = await h.call('GET', `${EP}/stuck-ep`);
    expect(body.state).toEqual({ ready: 'NOT_READY', config_update: 'IN_PROGRESS' });
    const refused = await h.call('PUT', `${EP}/stuck-ep/config`, { body: { served_entities: [churn] } });
    expect(refused.status).toBe(409);
  });

  it('failed on create: the endpoint ends NOT_READY and UPDATE_FAILED', async () => {
    h.sandbox.faults.add({ kind: 'config-update', outcome: 'failed' });
    await h.call('POST', EP, { body: createBody('failed-create') });
    const settled = await waitForUpdate(h, 'failed-create');
    expect(settled.state).toEqual({ ready: 'NOT_READY', config_update: 'UPDATE_FAILED' });
    expect(settled.config).toBeUndefined();
  });

  it('failed on a config change: the old config keeps serving, and a new update is accepted', async () => {
    await h.call('POST', EP, { body: createBody('failed-update') });
    await waitForUpdate(h, 'failed-update');
    h.sandbox.faults.add({ kind: 'config-update', outcome: 'failed', endpoint: 'failed-update' });
    const change = { served_entities: [{ ...churn, entity_version: '2' }] };
    expect((await h.call('PUT', `${EP}/failed-update/config`, { body: change })).status).toBe(200);
    const failed = await waitForUpdate(h, 'failed-update');
    expect(failed.state).toEqual({ ready: 'READY', config_update: 'UPDATE_FAILED' });
    expect(failed.config.served_entities[0].entity_version).toBe('1');
    expect((await h.call('PUT', `${EP}/failed-update/config`, { body: change })).status).toBe(200);
    const landed = await waitForUpdate(h, 'failed-update');
    expect(landed.state.config_update).toBe('NOT_UPDATING');
    expect(landed.config.served_entities[0].entity_version).toBe('2');
  });
});

describe('fault controller', () => {
  it('hands refuse-sessions to the warehouse once per `times`, and clears everything', () => {
    const faults = createFaultController();
    faults.add({ kind: 'refuse-sessions', times: 2 });
    expect(faults.take('refuse-sessions')).toMatchObject({ kind: 'refuse-sessions' });
    expect(faults.take('refuse-sessions')).toBeDefined();
    expect(faults.take('refuse-sessions')).toBeUndefined();
    faults.add({ kind: 'latency', ms: 5, times: Infinity });
    faults.clear();
    expect(faults.take('latency', { method: 'GET', path: '/' })).toBeUndefined();
  });

  it('refuses a fault that could never fire', () => {
    expect(() => createFaultController().add({ kind: 'latency', ms: 5, times: 0 })).toThrow(/times/);
  });
});
