/**
 * Assembles a sandbox from its parts. The warehouse factory is a parameter so that `startSandbox` can load
 * DuckDB lazily, and so the REST side can be exercised against any Warehouse honouring the contract.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificates } from './certs.js';
import type { Sandbox, SandboxOptions, Warehouse, WarehouseOptions } from './sandbox-contract.js';
import { createFaultController } from './faults.js';
import { Identities } from './sandbox-identity.js';
import { RequestLog } from './request-log.js';
import { Alerts } from './rest/alerts.routes.js';
import { Invocations } from './rest/invocations.routes.js';
import { AiGatewayServices } from './rest/ai-gateway-services.routes.js';
import { Connections } from './rest/connections.routes.js';
import { Grants } from './rest/grants.routes.js';
import { RegisteredModels } from './rest/models.routes.js';
import { Secrets } from './rest/secrets.routes.js';
import { UnityCatalog } from './rest/unity-catalog.routes.js';
import { VolumeFiles } from './rest/volume-files.routes.js';
import { WorkspaceFiles } from './rest/workspace-files.routes.js';
import { ServingEndpoints } from './rest/serving-endpoints.routes.js';
import { AGENT_SP, GATEWAY_SECRET, OPS_GROUP, SEED_CONNECTIONS, SEED_ENDPOINTS, SEED_SCHEMAS, SEED_VOLUMES } from './seed/seed-catalog.js';
import { FEATURE_SPECS, SEED_MODELS } from './seed/seed-models.js';
import { serverPort, startServer } from './sandbox-server.js';

export type WarehouseFactory = (opts: WarehouseOptions) => Promise<Warehouse>;

export const DEFAULT_SEED = 42;
export const DEFAULT_CONFIG_UPDATE_MS = 1500;
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;
/** Enough usage history for daily and weekly cycles and the spike to show, small enough to seed fast. */
export const DEFAULT_USAGE_ROWS = 50_000;

/** Securables that exist before any inference table is configured, and who may use them. */
function seedGrants(grants: Grants): void {
  for (const schema of SEED_SCHEMAS) grants.registerSchema(...schema);
  grants.registerTable('system', 'serving', 'endpoint_usage');
  grants.registerTable('system', 'serving', 'served_entities');
  grants.registerTable('system', 'ai_gateway', 'usage');
  grants.registerSchema('system', 'ai');
  for (const volume of SEED_VOLUMES) grants.registerVolume(...volume);
  // As in a workspace: everyone may use the system catalog; its schemas need USE SCHEMA and SELECT granted,
  // except system.ai, whose Databricks-provided models every user may execute.
  grants.grant('catalog', 'system', 'account users', ['USE_CATALOG']);
  grants.grant('schema', 'system.ai', 'account users', ['USE_SCHEMA', 'EXECUTE']);
  grants.grant('catalog', 'workshop', OPS_GROUP, ['USE_CATALOG']);
  grants.grant('schema', 'workshop.skyloyalty_ops', OPS_GROUP, ['USE_SCHEMA']);
  // The gateway-ops agent works in the workshop's ops schema by grants, not ownership: elsewhere it needs more.
  grants.grant('catalog', 'workshop', AGENT_SP, ['USE_CATALOG']);
  grants.grant('schema', 'workshop.skyloyalty_ops', AGENT_SP, ['USE_SCHEMA', 'SELECT', 'CREATE_TABLE']);
}

export async function launchSandbox(opts: SandboxOptions, createWarehouse: WarehouseFactory): Promise<Sandbox> {
  const host = opts.host ?? '127.0.0.1';
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'ai-gateway-sandbox-')));
  // A folder the sandbox made is its own to remove; a caller's folder is left as found.
  const removeDir = () => (opts.dir === undefined ? rm(dir, { recursive: true, force: true }) : Promise.resolve());
  const faults = createFaultController();
  const identities = new Identities(opts.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS, opts.now);
  const requestLog = new RequestLog();
  const grants = new Grants(identities);
  seedGrants(grants);
  const models = new RegisteredModels(SEED_MODELS, FEATURE_SPECS, grants);
  const secrets = new Secrets();
  secrets.put(GATEWAY_SECRET.scope, GATEWAY_SECRET.key);

  // Certificates and the warehouse seed are independent: overlap them to keep start-up short.
  const [certs, warehouse] = await Promise.all([
    createCertificates(dir, opts.hostnames),
    createWarehouse({
      seed: opts.seed ?? DEFAULT_SEED,
      rows: opts.rows ?? DEFAULT_USAGE_ROWS,
      faults,
      principalOf: (token) => identities.principalOf(token),
      missingReadPrivilege: (principal, table) => grants.missingReadPrivilege(principal, table),
      governedTables: () => grants.tables(),
    }),
  ]);
  const endpoints = new ServingEndpoints({
    configUpdateMs: opts.configUpdateMs ?? DEFAULT_CONFIG_UPDATE_MS,
    identities,
    grants,
    models,
    secrets,
    faults,
    ensurePayloadTable: (ref) => warehouse.ensurePayloadTable(ref),
  });

  const alerts = new Alerts({
    identities,
    warehouseId: warehouse.id,
    runQuery: (principal, sql) => warehouse.runAs(principal, sql, 'databricks-sql-alerts'),
  });

  const invocations = new Invocations(endpoints, (invocation) => warehouse.logInvocation(invocation));

  let server: Server | undefined;
  let url: string;
  try {
    for (const [catalog, schema] of SEED_SCHEMAS) await warehouse.ensureSchema(catalog, schema);
    const unityCatalog = new UnityCatalog(grants, identities, warehouse);
    const connections = new Connections(SEED_CONNECTIONS);
    const services = new AiGatewayServices({
      enabled: opts.unityGateway ?? true,
      grants,
      models,
      connections,
      ensurePayloadTable: (ref) => warehouse.ensurePayloadTable(ref),
    });
    server = await startServer({ alerts, certs, faults, identities, requestLog, endpoints, invocations, grants, models, secrets, unityCatalog, connections, services, workspaceFiles: new WorkspaceFiles(identities, faults), volumeFiles: new VolumeFiles(grants, faults), warehouse }, host, opts.port ?? 0);
    url = `https://${host}:${serverPort(server)}`;
    // The seeded gateways' external models point at this workspace's own URL, known only once it listens. No
    // client can reach the server before this function returns the port, so seeding now races no one.
    endpoints.seed(SEED_ENDPOINTS, url);
    for (const ref of endpoints.seededPayloadTables()) {
      await warehouse.ensurePayloadTable(ref);
      grants.registerTable(ref.catalog, ref.schema, `${ref.prefix}_payload`);
      grants.grant('table', `${ref.catalog}.${ref.schema}.${ref.prefix}_payload`, OPS_GROUP, ['SELECT']);
    }
  } catch (error) {
    server?.close();
    await warehouse.close();
    await removeDir();
    throw error;
  }
  const port = serverPort(server);
  const listening = server;
  return {
    url,
    host,
    port,
    token: identities.adminToken,
    oauth: identities.oauthClient,
    warehouseId: warehouse.id,
    warehousePath: `/sql/1.0/warehouses/${warehouse.id}`,
    caCertPath: certs.caCertPath,
    caCert: certs.caCert,
    faults,
    warehouse,
    get requests() {
      return requestLog.entries;
    },
    addToken: (principal) => identities.addToken(principal),
    secrets: { put: (scope, key) => secrets.put(scope, key), remove: (scope, key) => secrets.remove(scope, key) },
    alerts: { evaluateNow: () => alerts.evaluateNow() },
    async close() {
      faults.clear();
      await alerts.stop();
      await new Promise<void>((resolve) => {
        listening.close(() => resolve());
        listening.closeAllConnections();
      });
      await warehouse.close();
      await removeDir();
    },
  };
}
