/**
 * The Streamable HTTP transport of the built server: who it refuses (foreign Host or Origin, a missing or wrong
 * token off loopback, an oversized body, files outside its folder), what it does with malformed and stalled
 * requests and too many connections (raw sockets), and that both protocol eras — a v1-era client on 2025-11-25
 * and a v2 client pinned to 2026-07-28 — complete a read_audit call over HTTP and stdio.
 */
import { Client } from '@modelcontextprotocol/client';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as V1StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport as V1StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { connect as connectSocket, type Socket } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, connect, textOf } from '../support/mcp.js';
import { deepCall } from '../support/raw-stdio.js';
import { SCENARIOS, tempDir, writeYamlState } from '../support/states.js';

const TOKEN = 'e2e-token-0123456789abcdef';

interface Served {
  url: string;
  child: ChildProcess;
  stderr: () => string;
}

/** Starts `dist/cli.cjs --http` on a free port and resolves with the URL it prints. */
function serve(args: string[], env: Record<string, string>, cwd: string): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--http', '--port', '0', ...args], { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env } });
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`the server did not listen within 20 s: ${stderr}`)), 20_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, child, stderr: () => stderr });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}: ${stderr}`));
    });
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A raw POST (node:http, so Host and Origin can be forged as a browser or a rebinding page would). `target`
 * replaces the request target, e.g. with the absolute form `http://host:port/mcp` a proxy would receive.
 */
function post(url: string, headers: Record<string, string>, body: string | Buffer, target?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const options = { method: 'POST', agent: false, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, ...(target ? { path: target } : {}) };
    const req = request(url, options, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const PING = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

let dir: string;
let stateFile: string;
let loopback: Served;
let guarded: Served;

beforeAll(async () => {
  dir = tempDir('aigw-http-');
  stateFile = writeYamlState(dir, 'state', SCENARIOS.passing);
  [loopback, guarded] = await Promise.all([serve([], {}, dir), serve(['--host', '127.0.0.2'], { AIGW_HTTP_TOKEN: TOKEN }, dir)]);
});

afterAll(async () => {
  for (const served of [loopback, guarded]) if (served && served.child.exitCode === null) served.child.kill('SIGTERM');
});

describe('HTTP access checks', () => {
  it('serves a plain loopback request and refuses a foreign Host or Origin with 403', async () => {
    expect((await post(loopback.url, {}, INITIALIZE)).status).toBe(200);
    const host = await post(loopback.url, { host: 'attacker.example:8787' }, INITIALIZE);
    expect(host.status).toBe(403);
    expect(host.body).toMatch(/Host not allowed/);
    const origin = await post(loopback.url, { origin: 'https://attacker.example' }, INITIALIZE);
    expect(origin.status).toBe(403);
    expect(origin.body).toMatch(/Origin not allowed/);
    expect((await post(loopback.url, { origin: 'http://localhost:3000' }, INITIALIZE)).status).toBe(200);
  });

  it('refuses a body over 1 MiB with 413, whether or not it declares its length', async () => {
    const big = Buffer.alloc(1024 * 1024 + 1, 0x20);
    expect((await post(loopback.url, {}, big)).status).toBe(413);
    expect((await post(loopback.url, { 'transfer-encoding': 'chunked' }, big)).status).toBe(413);
  });

  it('refuses arguments nested 100,000 levels deep with INVALID_ARGUMENTS, printing no stack', async () => {
    for (const shape of ['object', 'array'] as const) {
      const reply = await post(loopback.url, {}, deepCall(1, 100_000, shape));
      expect(reply.status).toBe(200);
      expect(reply.body).toMatch(/"code":"INVALID_ARGUMENTS"/);
      expect(reply.body).toMatch(/nest more than 64 levels/);
    }
    expect(loopback.stderr()).not.toMatch(/Maximum call stack|RangeError|\n\s+at /);
  });

  it('answers 404 off the /mcp path', async () => {
    expect((await post(loopback.url.replace(/\/mcp$/, '/other'), {}, PING)).status).toBe(404);
  });

  it('off loopback, requires the bearer token: 401 with WWW-Authenticate when missing or wrong', async () => {
    const missing = await post(guarded.url, {}, INITIALIZE);
    expect(missing.status).toBe(401);
    expect(String(missing.headers['www-authenticate'])).toMatch(/^Bearer /);
    const wrong = await post(guarded.url, { authorization: `Bearer ${TOKEN}x` }, INITIALIZE);
    expect(wrong.status).toBe(401);
    expect(String(wrong.headers['www-authenticate'])).toMatch(/invalid_token/);
    expect(wrong.body).not.toContain(TOKEN);
    expect((await post(guarded.url, { authorization: `Bearer ${TOKEN}` }, INITIALIZE)).status).toBe(200);
    // The bound address is an allowed Host, a foreign one still is not, token or not.
    expect((await post(guarded.url, { authorization: `Bearer ${TOKEN}`, host: 'attacker.example' }, INITIALIZE)).status).toBe(403);
  });

  it('refuses to start beyond loopback without a token, or with a short one', async () => {
    for (const env of [{}, { AIGW_HTTP_TOKEN: 'short' }]) {
      const child = spawn(process.execPath, [CLI, '--http', '--host', '127.0.0.2', '--port', '0'], { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env } });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      expect(await exitOf(child)).toBe(2);
      expect(stderr).toMatch(/AIGW_HTTP_TOKEN/);
      expect(stderr).not.toMatch(/listening/);
    }
  });

  it('confines the files a caller names to the working folder', async () => {
    const client = new Client({ name: 'e2e', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(loopback.url)));
    const outside = writeYamlState(tempDir('aigw-outside-'), 'state', SCENARIOS.passing);
    const result = await client.callTool({ name: 'read_audit', arguments: { state_file: outside } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Refused to open .*inside the server's root folder/);
    // A remote caller learns nothing of the server's own folders from a refusal.
    expect(textOf(result)).not.toContain(dir);
    await client.close();
  });
});

/** A socket to the server that sends `text` and resolves, once the server closes it, with all it answered. */
function stall(url: string, text: string): { socket: Socket; answered: Promise<string>; received: () => string } {
  const { hostname, port } = new URL(url);
  const socket = connectSocket(Number(port), hostname, () => socket.write(text));
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  const answered = new Promise<string>((resolve) => {
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(received));
  });
  return { socket, answered, received: () => received };
}

function connected(socket: Socket): Promise<unknown> {
  return new Promise((resolve) => (socket.readyState === 'open' ? resolve(undefined) : socket.once('connect', resolve)));
}

describe('malformed request targets and Host headers', () => {
  const port = () => new URL(loopback.url).port;

  it('serves the absolute form of the target, taking its authority as the Host', async () => {
    const served = await post(loopback.url, {}, INITIALIZE, `http://127.0.0.1:${port()}/mcp`);
    expect(served.status).toBe(200);
    expect(served.body).toContain('ai-gateway-mcp');
    // The authority, not the Host header, is what the access check sees: a foreign one is refused.
    const foreign = await post(loopback.url, { host: `127.0.0.1:${port()}` }, INITIALIZE, 'http://attacker.example/mcp');
    expect(foreign.status).toBe(403);
  });

  it('answers 400, never 500, to credentials or paths in Host and to targets that are not http:// or a path', async () => {
    const cases: Array<[Record<string, string>, string | undefined]> = [
      [{ host: `user@127.0.0.1:${port()}` }, undefined],
      [{ host: `127.0.0.1:${port()}/elsewhere` }, undefined],
      [{}, `http://user:pw@127.0.0.1:${port()}/mcp`],
      [{}, `https://127.0.0.1:${port()}/mcp`],
      [{}, '*'],
    ];
    for (const [headers, target] of cases) {
      const answer = await post(loopback.url, headers, INITIALIZE, target);
      expect(answer.status, JSON.stringify([headers, target])).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ jsonrpc: '2.0', id: null, error: { message: expect.stringMatching(/^Bad Request: /) } });
    }
    expect(loopback.stderr()).not.toMatch(/HTTP request failed/);
  });
});

describe('stalled requests and connection limits', () => {
  let limited: Served;
  let capped: Served;

  beforeAll(async () => {
    [limited, capped] = await Promise.all([
      serve([], { AIGW_HTTP_HEADERS_TIMEOUT_SECONDS: '0.3', AIGW_HTTP_REQUEST_TIMEOUT_SECONDS: '0.6' }, dir),
      serve([], { AIGW_HTTP_MAX_CONNECTIONS: '2' }, dir),
    ]);
  });

  afterAll(() => {
    for (const served of [limited, capped]) if (served && served.child.exitCode === null) served.child.kill('SIGTERM');
  });

  it('closes a connection whose headers or body stall, with 408', async () => {
    const silent = stall(limited.url, '');
    const headers = stall(limited.url, 'POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: app');
    const body = stall(limited.url, `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${INITIALIZE.length}\r\n\r\n{"jsonrpc"`);
    for (const { answered } of [silent, headers, body]) expect(await answered).toMatch(/^HTTP\/1\.1 408 /);
    // A request that arrives whole is served as before.
    expect((await post(limited.url, {}, INITIALIZE)).status).toBe(200);
  });

  it('at the cap, closes a connection that has sent no request to serve a newcomer', async () => {
    const held = [stall(capped.url, 'POST /mcp HTTP/1.1\r\n'), stall(capped.url, '')];
    await Promise.all(held.map(({ socket }) => connected(socket)));
    expect((await post(capped.url, {}, INITIALIZE)).status).toBe(200);
    // One of the two made room, closed without a byte; the newcomer's own connection closed after its answer.
    const closed = await Promise.race(held.map(({ answered }) => answered));
    expect(closed).toBe('');
    for (const { socket } of held) socket.destroy();
  });

  it('refuses a newcomer only when every connection is serving a request, and serves again once one ends', async () => {
    // `Expect: 100-continue` makes the server say when it has taken each request up (it answers 100 Continue).
    const waiting = `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nExpect: 100-continue\r\nContent-Length: ${INITIALIZE.length}\r\n\r\n`;
    const held = [stall(capped.url, waiting), stall(capped.url, waiting)];
    await Promise.all(held.map(({ received }) => expect.poll(received).toMatch(/^HTTP\/1\.1 100 Continue/)));
    const extra = stall(capped.url, `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: ${INITIALIZE.length}\r\n\r\n${INITIALIZE}`);
    expect(await extra.answered).toBe('');
    await expect.poll(() => capped.stderr()).toMatch(/refusing connections: all 2 open ones are serving requests, or too many wait \(AIGW_HTTP_MAX_CONNECTIONS\)/);
    // The held requests finish: both are answered, and the server has room again.
    for (const { socket } of held) socket.write(INITIALIZE);
    for (const { received } of held) await expect.poll(received).toMatch(/HTTP\/1\.1 200 OK/);
    for (const { socket } of held) socket.destroy();
    await expect.poll(async () => (await post(capped.url, {}, INITIALIZE).catch(() => ({ status: 0 }))).status, { timeout: 20_000 }).toBe(200);
  });
});

/** One session of the official client: connect, call validate_config, close. Resolves with what came of it. */
async function officialCall(url: string, headers: Record<string, string>): Promise<string> {
  const client = new Client({ name: 'load-e2e', version: '1' });
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
    const result = await client.callTool({ name: 'validate_config', arguments: { config: { name: 'load-e2e' } } });
    return textOf(result) ? 'answered' : 'empty';
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return `failed: ${cause?.code ?? (error as Error).message}`;
  } finally {
    await client.close().catch(() => undefined);
  }
}

function tally(outcomes: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}

/**
 * The connection cap under an ordinary client and under a lock-out attempt, counted in outcomes. The figures
 * are scaled to a cap of 20 so the suite stays quick; `node bench/http-load.mjs` runs the figures
 * (800 calls in 50-way waves, 100 held sockets) against the default cap of 100.
 */
describe('the connection cap never locks authenticated callers out', () => {
  const CAP = 20;
  // Two servers, so the client's pool holds no connection to the besieged one before the siege starts.
  let served: Served;
  let besieged: Served;

  beforeAll(async () => {
    const env = { AIGW_HTTP_TOKEN: TOKEN, AIGW_HTTP_MAX_CONNECTIONS: String(CAP) };
    [served, besieged] = await Promise.all([serve([], env, dir), serve([], env, dir)]);
  });

  afterAll(() => {
    for (const s of [served, besieged]) if (s && s.child.exitCode === null) s.child.kill('SIGTERM');
  });

  it(`serves 100 calls of the official client in waves of ${CAP / 2} sessions at a time, none failing`, async () => {
    const outcomes: string[] = [];
    for (let wave = 0; wave < 10; wave++) {
      outcomes.push(...(await Promise.all(Array.from({ length: CAP / 2 }, () => officialCall(served.url, { authorization: `Bearer ${TOKEN}` })))));
    }
    expect(tally(outcomes)).toEqual({ answered: 100 });
  });

  it(`answers every legitimate call while a caller without the token holds ${CAP} silent or dripping connections`, async () => {
    const { hostname, port } = new URL(besieged.url);
    let holding = true;
    const sockets = new Set<Socket>();
    // Half send nothing, half drip a request line a byte at a time; each reconnects as soon as it is closed.
    // They come from another loopback address, as another host's would.
    const hold = (drip: boolean): void => {
      const socket = connectSocket({ port: Number(port), host: hostname, localAddress: '127.0.0.2' });
      sockets.add(socket);
      const line = 'POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n';
      let sent = 0;
      const dripper = drip ? setInterval(() => socket.writable && socket.write(line[sent++ % line.length] as string), 200) : undefined;
      socket.on('error', () => undefined);
      socket.once('close', () => {
        clearInterval(dripper);
        sockets.delete(socket);
        if (holding) hold(drip);
      });
    };
    for (let i = 0; i < CAP; i++) hold(i % 2 === 0);
    await Promise.all([...sockets].map(connected));
    const outcomes: string[] = [];
    for (let call = 0; call < 10; call++) outcomes.push(await officialCall(besieged.url, { authorization: `Bearer ${TOKEN}` }));
    holding = false;
    for (const socket of sockets) socket.destroy();
    expect(tally(outcomes)).toEqual({ answered: 10 });
  });
});

describe('both protocol eras complete read_audit', () => {
  const expectPassing = (structured: unknown) => expect(structured).toMatchObject({ status: 'ok', state_file: stateFile, roles: expect.arrayContaining([expect.objectContaining({ role: 'agent_chat', status: 'pass' })]) });

  it('a v1-era client (2025-11-25) over HTTP, with and without the token', async () => {
    for (const [served, headers] of [[loopback, {}], [guarded, { authorization: `Bearer ${TOKEN}` }]] as const) {
      const client = new V1Client({ name: 'v1-e2e', version: '1' });
      await client.connect(new V1StreamableHTTPClientTransport(new URL(served.url), { requestInit: { headers } }));
      const result = await client.callTool({ name: 'read_audit', arguments: { state_file: path.basename(stateFile) } });
      expect(result.isError).toBeFalsy();
      expectPassing(result.structuredContent);
      await client.close();
    }
  });

  it('a 2026-07-28 client over HTTP, with and without the token', async () => {
    for (const [served, headers] of [[loopback, {}], [guarded, { authorization: `Bearer ${TOKEN}` }]] as const) {
      const client = new Client({ name: 'v2-e2e', version: '1' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
      await client.connect(new StreamableHTTPClientTransport(new URL(served.url), { requestInit: { headers } }));
      expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
      const result = await client.callTool({ name: 'read_audit', arguments: { state_file: stateFile } });
      expect(result.isError).toBeFalsy();
      expectPassing(result.structuredContent);
      await client.close();
    }
  });

  it('a v1-era client over stdio', async () => {
    const client = new V1Client({ name: 'v1-e2e', version: '1' });
    await client.connect(new V1StdioClientTransport({ command: process.execPath, args: [CLI], cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: dir } }));
    expect(client.getServerVersion()?.name).toBe('ai-gateway-mcp');
    const result = await client.callTool({ name: 'read_audit', arguments: { state_file: stateFile } });
    expect(result.isError).toBeFalsy();
    expectPassing(result.structuredContent);
    await client.close();
  });

  it('a 2026-07-28 client over stdio', async () => {
    const server = await connect({ era: 'modern', cwd: dir });
    expect(server.client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    const result = await server.client.callTool({ name: 'read_audit', arguments: { state_file: stateFile } });
    expect(result.isError).toBeFalsy();
    expectPassing(result.structuredContent);
    await server.close();
  });
});

describe('shutdown', () => {
  it('SIGTERM stops the server cleanly (exit 0) after it said it is finishing in-flight calls', async () => {
    const served = await serve([], {}, dir);
    served.child.kill('SIGTERM');
    expect(await exitOf(served.child)).toBe(0);
    expect(served.stderr()).toMatch(/SIGTERM: finishing in-flight calls/);
  });
});
