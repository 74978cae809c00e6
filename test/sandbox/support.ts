/**
 * Drives a sandbox the way the product does: undici over HTTPS, trusting the sandbox CA. The REST suites
 * launch the sandbox with a small warehouse that honours the contract and records what REST asked of it,
 * so they check the REST/warehouse seam without starting DuckDB.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent, request } from 'undici';
import type { PayloadTableRef, Sandbox, SandboxOptions, Warehouse, WarehouseOptions } from '../../src/sandbox/sandbox-contract.js';
import { launchSandbox } from '../../src/sandbox/launch.js';

export interface RecordingWarehouse extends Warehouse {
  schemas: string[];
  payloadTables: PayloadTableRef[];
  handled: { path: string; principal: string | undefined }[];
  /** While set, creating a payload table waits for it, as on a slow warehouse (`parked` counts the waiting). */
  gate?: Promise<void>;
  parked: number;
}

function recordingWarehouse(opts: WarehouseOptions): RecordingWarehouse {
  const warehouse: RecordingWarehouse = {
    id: 'recording0001',
    schemas: [],
    payloadTables: [],
    handled: [],
    parked: 0,
    handle(req: IncomingMessage, res: ServerResponse) {
      const token = req.headers.authorization?.slice('Bearer '.length) ?? '';
      const principal = opts.principalOf(token);
      warehouse.handled.push({ path: req.url ?? '', principal });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ principal }));
    },
    async ensureSchema(catalog, schema) {
      warehouse.schemas.push(`${catalog}.${schema}`);
    },
    async ensurePayloadTable(ref) {
      if (warehouse.gate) {
        warehouse.parked += 1;
        await warehouse.gate;
        warehouse.parked -= 1;
      }
      warehouse.payloadTables.push(ref);
    },
    async exec() {
      return [];
    },
    async runAs() {
      return [];
    },
    async logInvocation() {},
    async close() {},
  };
  return warehouse;
}

export interface Harness {
  sandbox: Sandbox;
  warehouse: RecordingWarehouse;
  agent: Agent;
  call(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    options?: { token?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }>;
  close(): Promise<void>;
}

/**
 * Creates team schemas the way a workspace admin would before F4 (the sandbox, like a workspace, does not create
 * an inference table's schema on the fly). Schemas that exist already are left as they are.
 */
export async function createSchemas(harness: Harness, catalog: string, names: string[]): Promise<void> {
  for (const name of names) {
    const created = await harness.call('POST', '/api/2.1/unity-catalog/schemas', { body: { catalog_name: catalog, name } });
    if (created.status !== 200 && created.status !== 409) throw new Error(`creating schema ${catalog}.${name} answered ${created.status}: ${JSON.stringify(created.body)}`);
  }
}

export async function startHarness(opts: SandboxOptions = {}): Promise<Harness> {
  let warehouse: RecordingWarehouse | undefined;
  const sandbox = await launchSandbox(opts, async (warehouseOpts) => {
    warehouse = recordingWarehouse(warehouseOpts);
    return warehouse;
  });
  const agent = new Agent({ connect: { ca: sandbox.caCert } });
  return {
    sandbox,
    warehouse: warehouse!,
    agent,
    async call(method, path, options = {}) {
      const token = options.token === undefined ? sandbox.token : options.token;
      const headers: Record<string, string> = { ...options.headers };
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (options.body !== undefined) {
        body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await request(`${sandbox.url}${path}`, { method, headers, body, dispatcher: agent });
      const text = await response.body.text();
      return { status: response.statusCode, headers: response.headers, body: text ? JSON.parse(text) : undefined };
    },
    async close() {
      await agent.close();
      await sandbox.close();
    },
  };
}

/** Polls GET until `config_update` leaves IN_PROGRESS (bounded: at most `attempts` polls). */
export async function waitForUpdate(harness: Harness, name: string, attempts = 50): Promise<any> {
  for (let i = 0; i < attempts; i += 1) {
    const { body } = await harness.call('GET', `/api/2.0/serving-endpoints/${name}`);
    if (body.state.config_update !== 'IN_PROGRESS') return body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Endpoint ${name} still IN_PROGRESS after ${attempts} polls.`);
}
