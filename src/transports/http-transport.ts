/**
 * Streamable HTTP transport on Node's `http` server: the SDK's handler serves the 2026-07-28 protocol and,
 * statelessly, 2025-era clients at `/mcp`. The request target and Host are checked first (`http-target.ts`),
 * then access from headers before any body is read (`http-access.ts`); bodies are capped in size and time
 * (`http-limits.ts`), connections in number without idle ones starving busy ones (`http-connections.ts`);
 * SIGTERM lets in-flight calls finish before the runtime closes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, type AuthInfo } from '@modelcontextprotocol/server';
import { accessPolicy, checkAccess, isOAuthPath, noOAuth, urlHost, type RequestHeaders } from './http-access.js';
import { appsAccessPolicy, checkAppsAccess } from './apps-proxy-access.js';
import { TokenIdentities } from './apps-token-identity.js';
import { identifyToken } from '../use-cases/caller-identity.js';
import { capConnections } from './http-connections.js';
import { checkingIntervalMs, httpLimits } from './http-limits.js';
import { requestTarget } from './http-target.js';
import { MAX_MESSAGE_BYTES } from './message-limits.js';
import type { Runtime } from '../runtime/process-runtime.js';
import { serverFactory } from '../server.js';
import { toolEntries } from '../tools/tool-list.js';
import { stateFileStartupNote } from '../use-cases/state-view.js';
import { landingPage } from './landing-page.js';

export const DEFAULT_HOST = '127.0.0.1';
/**
 * Under Databricks Apps the proxy reaches the app over the container's network, not loopback: "Your app must
 * listen on 0.0.0.0 and use the port specified in the DATABRICKS_APP_PORT environment variable" (Databricks
 * Apps best practices, docs.databricks.com/gcp/dev-tools/databricks-apps/best-practices).
 */
const ALL_INTERFACES = '0.0.0.0';
export const DEFAULT_PORT = 8787;
export const MCP_PATH = '/mcp';
/** How long SIGTERM waits for in-flight calls before closing what remains. */
const SHUTDOWN_GRACE_MS = 10_000;
/** How long admitting a request waits for the workspace to name a forwarded token's owner. */
const WHO_IS_TIMEOUT_MS = 10_000;
/** A full connection table is logged at most this often, so a flood cannot flood stderr too. */
const DROP_LOG_INTERVAL_MS = 10_000;

export interface HttpOptions {
  host?: string;
  port?: number;
  /** Bearer token; defaults to AIGW_HTTP_TOKEN. */
  token?: string;
  /** Extra Host/Origin names; defaults to AIGW_HTTP_ALLOWED_HOSTS (comma separated). */
  allowedHosts?: string[];
}

export interface HttpServing {
  url: string;
  /** Stops accepting, waits for in-flight requests (up to the grace period), then closes the MCP handler. */
  close(): Promise<void>;
}

export async function startHttp(runtime: Runtime, options: HttpOptions = {}): Promise<HttpServing> {
  const apps = runtime.hosting;
  const host = options.host ?? (apps ? ALL_INTERFACES : DEFAULT_HOST);
  const port = options.port ?? apps?.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`${apps && options.port === undefined ? 'DATABRICKS_APP_PORT' : '--port'} must be a whole number from 0 to 65535, not ${String(port)}`);
  }
  const extraHosts = options.allowedHosts ?? splitList(runtime.env.AIGW_HTTP_ALLOWED_HOSTS);
  const admit = admission(runtime, host, options.token ?? runtime.env.AIGW_HTTP_TOKEN, extraHosts);
  const limits = httpLimits(runtime.env);

  const mcp = createMcpHandler(serverFactory(runtime, await toolEntries()), { legacy: 'stateless', maxRequestBodySize: MAX_MESSAGE_BYTES });
  const serve = toNodeHandler(mcp, { maxRequestBodySize: MAX_MESSAGE_BYTES });
  const inFlight = new Set<ServerResponse>();
  let drained: (() => void) | undefined;

  const serverOptions = { headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: checkingIntervalMs(limits) };
  const server = createServer(serverOptions, (req, res) => {
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      if (inFlight.size === 0) drained?.();
    });
    void handle(req, res).catch((error: unknown) => {
      process.stderr.write(`ai-gateway-mcp: HTTP request failed: ${error instanceof Error ? error.message : String(error)}\n`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });

  server.keepAliveTimeout = limits.idleTimeoutMs;
  let lastDropLogged = 0;
  const connections = capConnections(
    server,
    limits.maxConnections,
    () => {
      if (Date.now() - lastDropLogged < DROP_LOG_INTERVAL_MS) return;
      lastDropLogged = Date.now();
      process.stderr.write(`ai-gateway-mcp: refusing connections: all ${limits.maxConnections} open ones are serving requests, or too many wait (AIGW_HTTP_MAX_CONNECTIONS)\n`);
    },
    // A waiting newcomer is not read, and the headers timeout counts from acceptance.
    { waitMs: Math.min(2_000, limits.headersTimeoutMs / 2) },
  );

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (connections.crowded()) res.setHeader('connection', 'close');
    const target = requestTarget(req.url, req.headers.host);
    if ('malformed' in target) {
      await send(res, badRequest(target.malformed));
      return;
    }
    // From here on the SDK and the access check see origin-form and the Host the client really addressed.
    req.url = target.path;
    req.headers.host = target.host;
    const pathname = new URL(target.path, 'http://localhost').pathname;
    if (pathname === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
      const forwarded = runtime.hosting ? req.headers['x-forwarded-host'] : undefined;
      await send(res, landingPage(target.host, typeof forwarded === 'string' ? forwarded : undefined, MCP_PATH));
      return;
    }
    if (pathname !== MCP_PATH) {
      await send(res, isOAuthPath(pathname) ? noOAuth() : Response.json({ error: `not found: the MCP endpoint is ${MCP_PATH}` }, { status: 404 }));
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_MESSAGE_BYTES) {
      await send(res, tooLarge());
      return;
    }
    const access = await admit(req.headers);
    if ('refused' in access) {
      // A caller that is not let in keeps no connection open for later.
      res.setHeader('connection', 'close');
      await send(res, access.refused);
      return;
    }
    // The Node adapter hands `req.auth` to the server factory and every handler (see http-caller.ts).
    (req as IncomingMessage & { auth?: unknown }).auth = access.authInfo;
    await serve(req as IncomingMessage & AsyncIterable<unknown>, res);
  }

  await listen(server, host, port);
  const bound = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(host)}:${bound}${MCP_PATH}`;

  return {
    url,
    async close() {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight.size > 0) {
        await new Promise<void>((resolve) => {
          drained = resolve;
          setTimeout(resolve, SHUTDOWN_GRACE_MS).unref();
        });
      }
      await mcp.close();
      server.closeAllConnections();
      await stopped;
    },
  };
}

type Admission = (headers: RequestHeaders) => Promise<{ refused: Response } | { authInfo: AuthInfo }>;

/** Under Databricks Apps the proxy is the authenticator (apps-proxy-access.ts); elsewhere the Host, Origin and token checks. */
function admission(runtime: Runtime, host: string, token: string | undefined, extraHosts: string[]): Admission {
  if (runtime.hosting) {
    const policy = appsAccessPolicy(runtime.hosting, extraHosts, runtime.env.DATABRICKS_HOST, new TokenIdentities((token) => identifyToken(runtime, token, WHO_IS_TIMEOUT_MS)));
    return (headers) => checkAppsAccess(policy, headers);
  }
  const policy = accessPolicy(host, token, extraHosts);
  return (headers) => checkAccess(policy, headers);
}


/** `ai-gateway-mcp --http`: serve until SIGTERM/SIGINT, then finish in-flight calls and close the runtime. */
export async function serveHttp(runtime: Runtime, options: HttpOptions = {}): Promise<void> {
  let serving: HttpServing;
  try {
    serving = await startHttp(runtime, options);
  } catch (error) {
    await runtime.close();
    throw error;
  }
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`ai-gateway-mcp: ${signal}: finishing in-flight calls\n`);
    await serving.close();
    await runtime.close();
    process.exit(0);
  };
  // Handlers go in before the "listening" line: stderr to a pipe is written synchronously, so a supervisor that
  // reacts to that line with SIGTERM could otherwise hit the default action and kill the process mid-call.
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  const auth = runtime.hosting
    ? 'Databricks App: the Apps proxy authenticates callers'
    : options.token ?? runtime.env.AIGW_HTTP_TOKEN
      ? 'bearer token required'
      : 'loopback only, no token';
  if (runtime.hosting) for (const note of appsStartupNotes(runtime.env)) process.stderr.write(`ai-gateway-mcp: ${note}\n`);
  process.stderr.write(`ai-gateway-mcp: listening on ${serving.url} (${auth}${runtime.readOnly ? ', read-only' : ''}${runtime.root ? `, files confined to ${runtime.root}` : ''})\n`);
}

/** What an operator deploying the app should know from its log: settings that do nothing, or that are missing. */
function appsStartupNotes(env: NodeJS.ProcessEnv): string[] {
  const notes: string[] = [];
  if (env.AIGW_HTTP_TOKEN) notes.push('AIGW_HTTP_TOKEN is ignored under Databricks Apps: the Apps proxy authenticates every caller (CAN USE on the app)');
  if (!env.AIGW_PLAN_SECRET) {
    notes.push('AIGW_PLAN_SECRET is not set: plan ids will not survive a restart or a redeploy, nor apply on another replica. Bind it to a secret resource in app.yaml (see README)');
  }
  const stateNote = stateFileStartupNote(env);
  if (stateNote) notes.push(stateNote);
  return notes;
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? `port ${port} is already in use (choose another with --port)` : error.code === 'EADDRNOTAVAIL' ? `${host} is not an address of this machine` : error.message;
      reject(new Error(`cannot listen on ${host}:${port}: ${why}`));
    });
    server.listen(port, host, () => resolve());
  });
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) headers[name] = value;
  res.writeHead(response.status, headers);
  res.end(Buffer.from(await response.arrayBuffer()));
}

function tooLarge(): Response {
  return Response.json(
    { jsonrpc: '2.0', error: { code: -32000, message: `request body over ${MAX_MESSAGE_BYTES} bytes` }, id: null },
    { status: 413, headers: { connection: 'close' } },
  );
}

function badRequest(why: string): Response {
  return Response.json(
    { jsonrpc: '2.0', error: { code: -32000, message: `Bad Request: ${why}. Send POST /mcp with Host: <host>[:<port>]` }, id: null },
    { status: 400, headers: { connection: 'close' } },
  );
}

function splitList(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}
