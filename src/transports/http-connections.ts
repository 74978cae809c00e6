/**
 * Which connections the HTTP server keeps when it is full. Counting every TCP connection against one cap, as
 * Node's `maxConnections` does, lets sockets that never send a request — or an ordinary client's pool of idle
 * keep-alive connections — fill the table so that the next real request is refused. Here a newcomer is let in
 * whenever an open connection is of no use, and that one is closed to make room:
 *  1. one whose last response already said `Connection: close` (it is closing anyway);
 *  2. one that has sent no request for longer than a client takes to send one (silent or dripping, hence not
 *     authenticated either), oldest first.
 * Otherwise the newcomer waits, unread, in a bounded waiting room: closing a connection that was accepted just now
 * or sits idle between requests can pull it from under a client that is sending on it (a POST is not retried:
 * the call fails with "other side closed"; seen under load in the suite). Within the wait, idle keep-alive
 * connections time out on their own (clients are told when, and stop reusing them), answers near the cap ask
 * clients to close their connections, and a connection still silent after the grace becomes the first kind. A
 * newcomer that has waited its limit takes the place of
 *  3. one idle between requests, idle longest first (its client reconnects), or
 *  4. one accepted just now that has not sent its request yet, oldest first;
 * only when every connection is serving a request is it refused.
 * The victim comes from the peer (remote address) with the most connections doing nothing, and the waiting room
 * lets in the peer with the fewest open connections first and turns away first the peer with the most waiting, so
 * a client that opens many sockets and reopens each one it loses only ever displaces its own (on loopback every
 * local process is one peer, and the order above is what protects a caller).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

interface Connection {
  /** The remote address: connections are given up from the peer that holds the most. */
  peer: string;
  /** When it was accepted (ms). */
  opened: number;
  /** Sequence number of its acceptance, or of the end of its last request: order within a rank. */
  since: number;
  /** Requests being served on it now. */
  serving: number;
  /** Whether a request has ever arrived on it. */
  spoken: boolean;
  /** Whether its last response told the client the connection closes. */
  closing: boolean;
}

interface Waiting {
  peer: string;
  /** When it started to wait (ms). */
  since: number;
}

export interface ConnectionTable {
  /** Whether responses should close their connection, so clients' pools shrink before anything is evicted. */
  crowded(): boolean;
}

export interface CapOptions {
  /**
   * How long a newcomer waits before it displaces an idle or just-accepted connection. Keep it under the server's
   * headers timeout, which counts from acceptance: a newcomer is not read while it waits.
   */
  waitMs?: number;
  clock?: () => number;
}

/** Share of the cap above which responses close their connection. */
const CROWDED_SHARE = 0.5;
/** A connection silent for longer than this is not a client about to send its request. */
const FIRST_REQUEST_GRACE_MS = 1_000;
const DEFAULT_WAIT_MS = 2_000;
/** How often the waiting room looks again for a connection that has turned into one of no use. */
const RECHECK_MS = 100;

/**
 * Caps `server` at `max` open connections, by eviction and a waiting room of at most `max` more (see above).
 * `refused` is told each time a newcomer is turned away.
 */
export function capConnections(server: Server, max: number, refused: () => void, options: CapOptions = {}): ConnectionTable {
  const clock = options.clock ?? Date.now;
  const waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
  const open = new Map<Socket, Connection>();
  const waiting = new Map<Socket, Waiting>();
  // A counter, not a clock, orders connections within a rank: only the order of events matters.
  let events = 0;
  let recheck: NodeJS.Timeout | undefined;

  const admit = (socket: Socket) => {
    open.set(socket, { peer: socket.remoteAddress ?? '', opened: clock(), since: events++, serving: 0, spoken: false, closing: false });
    socket.once('close', () => {
      open.delete(socket);
      letIn();
    });
  };

  const refuse = (socket: Socket) => {
    waiting.delete(socket);
    socket.destroy();
    refused();
  };

  /** Lets waiting newcomers in while there is room, or a connection of no use to close (of any idle kind once the newcomer has waited its limit). */
  const letIn = () => {
    while (waiting.size > 0) {
      const now = clock();
      const next = nextToLetIn(waiting, open);
      const waited = now - (waiting.get(next) as Waiting).since;
      if (open.size >= max) {
        const victim = leastUseful(open, now, waited >= waitMs);
        if (!victim) {
          // Past its wait, no victim means every connection is serving a request.
          if (waited >= waitMs) refuse(next);
          else break;
          continue;
        }
        open.delete(victim);
        victim.destroy();
      }
      waiting.delete(next);
      admit(next);
      readAgain(next);
    }
    if (waiting.size > 0 && !recheck) {
      recheck = setInterval(letIn, RECHECK_MS).unref();
    } else if (waiting.size === 0 && recheck) {
      clearInterval(recheck);
      recheck = undefined;
    }
  };

  server.on('connection', (socket: Socket) => {
    if (open.size < max && waiting.size === 0) {
      admit(socket);
      return;
    }
    const victim = waiting.size === 0 ? leastUseful(open, clock(), false) : undefined;
    if (victim) {
      open.delete(victim);
      victim.destroy();
      admit(socket);
      return;
    }
    // Not read until it is let in: the HTTP parser sees nothing while it waits.
    stopReading(socket);
    if (waiting.size >= max) refuse(mostWaitingPeersOldest(waiting));
    waiting.set(socket, { peer: socket.remoteAddress ?? '', since: clock() });
    socket.once('close', () => waiting.delete(socket));
    letIn();
  });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const connection = open.get(req.socket);
    if (!connection) return;
    connection.spoken = true;
    connection.serving += 1;
    res.once('close', () => {
      connection.serving -= 1;
      connection.since = events++;
      connection.closing = !res.shouldKeepAlive || /close/i.test(String(res.getHeader('connection') ?? ''));
      letIn();
    });
  });

  server.once('close', () => {
    if (recheck) clearInterval(recheck);
    for (const socket of waiting.keys()) socket.destroy();
    waiting.clear();
  });

  return { crowded: () => open.size >= Math.max(1, Math.floor(max * CROWDED_SHARE)) };
}

/**
 * The connection to close first, or none. Without `anyIdle`, only one of no use (closing, or silent past the
 * grace); with it, also one idle between requests or accepted just now. Never one serving a request.
 */
function leastUseful(open: Map<Socket, Connection>, now: number, anyIdle: boolean): Socket | undefined {
  const held = new Map<string, number>();
  for (const { peer, serving } of open.values()) if (serving === 0) held.set(peer, (held.get(peer) ?? 0) + 1);
  if (held.size === 0) return undefined;
  const most = Math.max(...held.values());
  const rank = (c: Connection) => (c.closing ? 0 : !c.spoken ? (now - c.opened > FIRST_REQUEST_GRACE_MS ? 1 : 3) : 2);
  const limit = anyIdle ? 3 : 1;
  let best: [Socket, Connection, number] | undefined;
  for (const [socket, connection] of open) {
    if (connection.serving > 0 || held.get(connection.peer) !== most) continue;
    const r = rank(connection);
    if (r > limit) continue;
    if (!best || r < best[2] || (r === best[2] && connection.since < best[1].since)) best = [socket, connection, r];
  }
  return best?.[0];
}

/** The waiting newcomer to let in next: from the peer holding the fewest open connections, then the longest waiting. */
function nextToLetIn(waiting: Map<Socket, Waiting>, open: Map<Socket, Connection>): Socket {
  const held = new Map<string, number>();
  for (const { peer } of open.values()) held.set(peer, (held.get(peer) ?? 0) + 1);
  let best: [Socket, Waiting] | undefined;
  for (const [socket, wait] of waiting) {
    const h = held.get(wait.peer) ?? 0;
    const b = best ? (held.get(best[1].peer) ?? 0) : Infinity;
    if (!best || h < b || (h === b && wait.since < best[1].since)) best = [socket, wait];
  }
  return (best as [Socket, Waiting])[0];
}

/** The waiting newcomer to turn away when the room is full: the longest waiting of the peer with the most waiting. */
function mostWaitingPeersOldest(waiting: Map<Socket, Waiting>): Socket {
  const count = new Map<string, number>();
  for (const { peer } of waiting.values()) count.set(peer, (count.get(peer) ?? 0) + 1);
  const most = Math.max(...count.values());
  let best: [Socket, Waiting] | undefined;
  for (const [socket, wait] of waiting) {
    if (count.get(wait.peer) !== most) continue;
    if (!best || wait.since < best[1].since) best = [socket, wait];
  }
  return (best as [Socket, Waiting])[0];
}

/**
 * Node's HTTP server reads a TCP socket's handle directly (lib/_http_server.js connectionListenerInternal:
 * parser.consume(socket._handle)), so `socket.pause()` does not hold its requests back; stopping the handle's
 * reads does, and starting them again hands the parser what arrived meanwhile (checked on Node 20 and 22).
 */
interface ReadableHandle {
  readStop(): number;
  readStart(): number;
}

function handleOf(socket: Socket): ReadableHandle | undefined {
  const handle = (socket as unknown as { _handle?: Partial<ReadableHandle> | null })._handle;
  return handle && typeof handle.readStop === 'function' && typeof handle.readStart === 'function' ? (handle as ReadableHandle) : undefined;
}

function stopReading(socket: Socket): void {
  handleOf(socket)?.readStop();
}

function readAgain(socket: Socket): void {
  handleOf(socket)?.readStart();
}
