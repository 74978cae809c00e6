/**
 * The sandbox's HTTPS front door: applies faults, checks bearer tokens, routes REST calls and mounts the
 * SQL warehouse under `/sql/`. Everything a client sees passes through here, as through a workspace's edge.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { FaultController, Warehouse } from './sandbox-contract.js';
import type { SandboxCertificates } from './certs.js';
import type { Identities } from './sandbox-identity.js';
import type { AiGatewayServices } from './rest/ai-gateway-services.routes.js';
import type { Connections } from './rest/connections.routes.js';
import { ALERTS_PATH, type Alerts } from './rest/alerts.routes.js';
import { ApiError } from './rest/error-replies.js';
import { CHAT_COMPLETIONS_PATH, INVOCATIONS_ROUTE, type Invocations } from './rest/invocations.routes.js';
import { PERMISSIONS_PREFIX, type Grants } from './rest/grants.routes.js';
import type { RequestLog } from './request-log.js';
import { me, SCIM_ME_PATH, SCIM_SERVICE_PRINCIPALS_PATH, servicePrincipals } from './rest/scim.routes.js';
import type { Reply, RestRequest } from './rest/rest-handler.js';
import { discovery, DISCOVERY_PATH, issueToken, TOKEN_PATH } from './rest/oauth.routes.js';
import { MODELS_PATH, OPTIMIZATION_INFO_PREFIX, type RegisteredModels } from './rest/models.routes.js';
import { SECRETS_PREFIX, type Secrets } from './rest/secrets.routes.js';
import { ENDPOINTS_PATH, PT_ENDPOINTS_PATH, type ServingEndpoints } from './rest/serving-endpoints.routes.js';
import { CATALOGS_PATH, SCHEMAS_PATH, type UnityCatalog } from './rest/unity-catalog.routes.js';
import { FILES_API_PREFIX, type VolumeFiles } from './rest/volume-files.routes.js';
import { WORKSPACE_API_PREFIX, type WorkspaceFiles } from './rest/workspace-files.routes.js';
import { warehouse, WAREHOUSE_ROUTE } from './rest/workspace.routes.js';

export interface SandboxServerParts {
  alerts: Alerts;
  certs: SandboxCertificates;
  faults: FaultController;
  identities: Identities;
  requestLog: RequestLog;
  endpoints: ServingEndpoints;
  invocations: Invocations;
  grants: Grants;
  models: RegisteredModels;
  secrets: Secrets;
  unityCatalog: UnityCatalog;
  connections: Connections;
  services: AiGatewayServices;
  workspaceFiles: WorkspaceFiles;
  volumeFiles: VolumeFiles;
  warehouse: Warehouse;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError('INVALID_PARAMETER_VALUE', `Request body larger than ${MAX_BODY_BYTES} bytes.`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: Reply): void {
  const payload = reply.raw ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
  res.writeHead(reply.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...reply.headers,
  });
  res.end(payload);
}

function errorReply(error: ApiError): Reply {
  return { status: error.status, body: error.body, headers: error.headers };
}

function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

/** Waits `ms`, or until the connection closes (the client gave up, or the sandbox is closing): no timer outlives it. */
async function delayWhileConnected(req: IncomingMessage, ms: number): Promise<void> {
  const gone = new AbortController();
  const abort = () => gone.abort();
  req.socket.once('close', abort);
  try {
    await delay(ms, undefined, { signal: gone.signal });
  } finally {
    req.socket.off('close', abort);
  }
}

/** Makes the response vanish: the work is done, but the client only sees its connection drop. */
function dropInsteadOfAnswering(res: ServerResponse): void {
  res.write = () => true;
  res.end = ((): ServerResponse => {
    res.socket?.destroy();
    return res;
  }) as ServerResponse['end'];
}

/** A path segment's text; a client that cannot percent-encode gets a 400, not an internal error. */
function pathParameter(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ApiError('INVALID_PARAMETER_VALUE', `The path segment '${raw}' is not valid percent-encoding. Encode names with encodeURIComponent.`);
  }
}

const ENDPOINT_ROUTE = /^\/api\/2\.0\/serving-endpoints\/([^/]+)(\/config|\/ai-gateway)?$/;
const PT_CONFIG_ROUTE = /^\/api\/2\.0\/serving-endpoints\/pt\/([^/]+)\/config$/;
const PERMISSIONS_ROUTE = /^\/api\/2\.1\/unity-catalog\/permissions\/([^/]+)\/([^/]+)$/;
const MODEL_ROUTE = /^\/api\/2\.1\/unity-catalog\/models\/([^/]+)(\/versions)?$/;
const ALERT_ROUTE = /^\/api\/2\.0\/alerts\/([^/]+)$/;
const OPTIMIZATION_INFO_ROUTE = /^\/api\/2\.0\/serving-endpoints\/get-model-optimization-info\/([^/]+)\/([^/]+)$/;

async function route(parts: SandboxServerParts, req: RestRequest): Promise<Reply> {
  const { alerts, endpoints, grants, invocations, models, secrets, unityCatalog } = parts;
  const { method, path } = req;
  if (method === 'GET' && path === SCIM_ME_PATH) return me(req);
  if (method === 'GET' && path === SCIM_SERVICE_PRINCIPALS_PATH) return servicePrincipals(req, parts.identities);
  if (method === 'POST' && path === CHAT_COMPLETIONS_PATH) return invocations.chatCompletions(req);
  const warehouseId = method === 'GET' ? WAREHOUSE_ROUTE.exec(path)?.[1] : undefined;
  if (warehouseId !== undefined) return warehouse(pathParameter(warehouseId), parts.warehouse.id, `https://${String(req.headers.host ?? 'localhost')}`);
  const invocation = method === 'POST' ? INVOCATIONS_ROUTE.exec(path) : null;
  if (invocation) return invocations.invoke(req, pathParameter(invocation[1] ?? ''));
  if (path === ALERTS_PATH) {
    if (method === 'GET') return alerts.list(req);
    if (method === 'POST') return alerts.create(req);
  }
  const alert = ALERT_ROUTE.exec(path);
  if (alert) {
    const id = pathParameter(alert[1] ?? '');
    if (method === 'GET') return alerts.get(req, id);
    if (method === 'PATCH') return alerts.update(req, id);
    if (method === 'DELETE') return alerts.delete(req, id);
  }
  if (path === CATALOGS_PATH && method === 'POST') return unityCatalog.createCatalog(req);
  if (path === SCHEMAS_PATH && method === 'POST') return unityCatalog.createSchema(req);
  if (method === 'GET' && path.startsWith(`${CATALOGS_PATH}/`)) return unityCatalog.getCatalog(pathParameter(path.slice(CATALOGS_PATH.length + 1)));
  if (method === 'GET' && path.startsWith(`${SCHEMAS_PATH}/`)) return unityCatalog.getSchema(pathParameter(path.slice(SCHEMAS_PATH.length + 1)));
  const filesReply = path.startsWith(WORKSPACE_API_PREFIX) ? parts.workspaceFiles.route(req) : path.startsWith(FILES_API_PREFIX) ? parts.volumeFiles.route(req) : undefined;
  if (filesReply) return filesReply;
  const secretsReply = path.startsWith(SECRETS_PREFIX) ? secrets.route(req) : undefined;
  if (secretsReply) return secretsReply;
  const unityGatewayReply = (await parts.services.route(req)) ?? parts.connections.route(req);
  if (unityGatewayReply) return unityGatewayReply;
  if (method === 'GET' && path.startsWith(OPTIMIZATION_INFO_PREFIX)) {
    const [, rawName = '', rawVersion = ''] = OPTIMIZATION_INFO_ROUTE.exec(path) ?? [];
    if (rawName) return models.optimizationInfo(pathParameter(rawName), pathParameter(rawVersion));
  }
  if (method === 'GET' && path === MODELS_PATH) return models.list(req);
  const model = method === 'GET' ? MODEL_ROUTE.exec(path) : null;
  if (model) {
    const [, rawName = '', versions] = model;
    return versions ? models.versions(req, pathParameter(rawName)) : models.get(pathParameter(rawName));
  }
  if (path === ENDPOINTS_PATH) {
    if (method === 'GET') return endpoints.list(req);
    if (method === 'POST') return endpoints.create(req);
  }
  if (path === PT_ENDPOINTS_PATH && method === 'POST') return endpoints.createProvisioned(req);
  const ptConfig = method === 'PUT' ? PT_CONFIG_ROUTE.exec(path) : null;
  if (ptConfig) return endpoints.updateProvisionedConfig(req, pathParameter(ptConfig[1] ?? ''));
  const endpoint = ENDPOINT_ROUTE.exec(path);
  if (endpoint) {
    const [, rawName = '', action] = endpoint;
    const name = pathParameter(rawName);
    if (action === undefined && method === 'GET') return endpoints.get(req, name);
    if (action === undefined && method === 'DELETE') return endpoints.delete(req, name);
    if (action === '/config' && method === 'PUT') return endpoints.updateConfig(req, name);
    if (action === '/ai-gateway' && method === 'PUT') return endpoints.putAiGateway(req, name);
  }
  const permissions = path.startsWith(PERMISSIONS_PREFIX) ? PERMISSIONS_ROUTE.exec(path) : null;
  if (permissions) {
    const [, type = '', rawFullName = ''] = permissions;
    const fullName = pathParameter(rawFullName);
    if (method === 'GET') return grants.get(req, type, fullName);
    if (method === 'PATCH') return grants.patch(req, type, fullName);
  }
  throw new ApiError('ENDPOINT_NOT_FOUND', `No API found for '${method} ${path}'.`);
}

async function serve(parts: SandboxServerParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://sandbox.invalid');
  const method = req.method ?? 'GET';
  const path = url.pathname;
  const target = { method, path };
  const { faults, identities } = parts;

  const reset = faults.take('reset', target);
  if (reset?.when === 'before') {
    req.socket.destroy();
    return;
  }
  const latency = faults.take('latency', target);
  if (latency) await delayWhileConnected(req, latency.ms);
  const status = faults.take('status', target);
  if (status) {
    const retryAfter = status.retryAfterSeconds ?? (status.status === 429 ? 1 : undefined);
    const error =
      status.status === 429
        ? new ApiError('REQUEST_LIMIT_EXCEEDED', 'Too many requests: the workspace rate limit was exceeded. Retry after the Retry-After delay.')
        : status.status === 500
          ? new ApiError('INTERNAL_ERROR', 'An internal error occurred while processing the request.')
          : status.status === 403
            ? new ApiError('PERMISSION_DENIED', `You do not have permission to call ${method} ${path}: the workspace refuses this API to this principal.`)
            : new ApiError('TEMPORARILY_UNAVAILABLE', 'The service is temporarily unavailable. Retry later.');
    send(res, { ...errorReply(error), headers: retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) } });
    return;
  }
  if (reset?.when === 'after') dropInsteadOfAnswering(res);

  const body = await readBody(req);
  const request: RestRequest = { method, path, query: url.searchParams, headers: req.headers, body, principal: '' };
  const token = bearerToken(req);
  const auth = token === undefined
    ? { problem: 'Missing credentials: send an Authorization: Bearer <token> header.' }
    : identities.authenticate(token);
  const restWrite = method !== 'GET' && !path.startsWith('/sql/') && body.length > 0;
  parts.requestLog.record({ method, path, ...(url.search ? { query: url.search.slice(1) } : {}), ...(token === undefined ? {} : { token }), ...('principal' in auth ? { principal: auth.principal } : {}), ...(restWrite ? { body: body.toString('utf8') } : {}) });
  if (path === DISCOVERY_PATH && method === 'GET') return send(res, discovery(`https://${req.headers.host ?? 'localhost'}`));
  if (path === TOKEN_PATH && method === 'POST') return send(res, issueToken(request, identities));
  if ('problem' in auth) return send(res, errorReply(new ApiError('UNAUTHENTICATED', auth.problem)));

  if (path.startsWith('/sql/')) {
    // The workspace has one SQL warehouse; any other HTTP path names none, and the driver sees an HTTP 404.
    if (path !== `/sql/1.0/warehouses/${parts.warehouse.id}`) {
      return send(res, errorReply(new ApiError('RESOURCE_DOES_NOT_EXIST', `No SQL warehouse at '${path}': this workspace's warehouse is /sql/1.0/warehouses/${parts.warehouse.id}.`)));
    }
    parts.warehouse.handle(req, res, body);
    return;
  }
  send(res, await route(parts, { ...request, principal: auth.principal }));
}

export async function startServer(parts: SandboxServerParts, host: string, port: number): Promise<Server> {
  const server = createServer({ key: parts.certs.serverKey, cert: parts.certs.serverCert }, (req, res) => {
    serve(parts, req, res).catch((error: unknown) => {
      if (res.headersSent || res.destroyed) return;
      if (error instanceof ApiError) return send(res, errorReply(error));
      process.stderr.write(`sandbox: ${req.method} ${req.url} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      send(res, errorReply(new ApiError('INTERNAL_ERROR', 'The sandbox failed to process the request; see its stderr.')));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

export function serverPort(server: Server): number {
  return (server.address() as AddressInfo).port;
}
