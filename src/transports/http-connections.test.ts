/**
 * The connection cap in process, on loopback: a newcomer at the cap waits rather than closing a connection a
 * client is about to use. The end-to-end suite (test/e2e/http.test.ts) covers the cap through the built server.
 */
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { capConnections } from './http-connections.js';

const REQUEST = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';

let server: Server | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A capped server whose clock the test moves; resolves its port and a promise per accepted connection. */
async function cappedServer(max: number) {
  let now = 0;
  const accepted: Socket[] = [];
  const refused: number[] = [];
  server = createServer((_req, res) => res.end('ok'));
  server.on('connection', (socket: Socket) => accepted.push(socket));
  capConnections(server, max, () => refused.push(now), { waitMs: 2_000, clock: () => now });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, accepted, refused, advance: (ms: number) => (now += ms) };
}

/** A client socket with everything it receives, and whether it was closed. */
async function open(port: number) {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  let received = '';
  let closed = false;
  socket.on('data', (chunk) => (received += chunk));
  socket.on('error', () => undefined);
  socket.on('close', () => (closed = true));
  await new Promise((resolve) => socket.once('connect', resolve));
  return { socket, received: () => received, closed: () => closed };
}

describe('the connection cap', () => {
  it('keeps a connection accepted just now for its client: the newcomer waits, and the one still silent past the grace makes room', async () => {
    const { port, accepted, advance } = await cappedServer(2);
    const a = await open(port);
    const b = await open(port);
    const c = await open(port);
    await expect.poll(() => accepted.length).toBe(3);
    c.socket.write(REQUEST);
    // A sends its request while C waits: it is answered, not closed from under it.
    a.socket.write(REQUEST);
    await expect.poll(a.received).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(b.closed()).toBe(false);
    expect(c.received()).toBe('');
    // B stays silent past the grace: it is of no use now, and C takes its place.
    advance(1_001);
    await expect.poll(c.received).toMatch(/^HTTP\/1\.1 200 OK/);
    await expect.poll(b.closed).toBe(true);
    expect(a.closed()).toBe(false);
  });

  it('lets a newcomer in at once in place of a connection silent past the grace', async () => {
    const { port, accepted, advance } = await cappedServer(1);
    const silent = await open(port);
    await expect.poll(() => accepted.length).toBe(1);
    advance(1_001);
    const newcomer = await open(port);
    newcomer.socket.write(REQUEST);
    await expect.poll(newcomer.received).toMatch(/^HTTP\/1\.1 200 OK/);
    await expect.poll(silent.closed).toBe(true);
  });

  it('after its wait, a newcomer takes the place of a connection idle between requests, and nobody is refused', async () => {
    const { port, accepted, refused, advance } = await cappedServer(1);
    const idle = await open(port);
    idle.socket.write(REQUEST);
    await expect.poll(idle.received).toMatch(/^HTTP\/1\.1 200 OK/);
    const newcomer = await open(port);
    newcomer.socket.write(REQUEST);
    await expect.poll(() => accepted.length).toBe(2);
    expect(newcomer.received()).toBe('');
    advance(2_000);
    await expect.poll(newcomer.received).toMatch(/^HTTP\/1\.1 200 OK/);
    await expect.poll(idle.closed).toBe(true);
    expect(refused).toEqual([]);
  });
});
