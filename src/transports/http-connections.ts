/**
 * Which connections the HTTP server keeps when it is full. Counting every TCP connection against one cap, as
 * Node's `maxConnections` does, lets sockets that never send a request — or an ordinary client's pool of idle
 * keep-alive connections — fill the table so that the next real request is refused. Here a newcomer is let in
 * whenever some open connection is doing nothing, and that one is closed to make room, least useful first:
 *  1. one whose last response already said `Connection: close` (it is closing anyway);
 *  2. one that has sent no request for longer than a client takes to send one (silent or dripping, hence not
 *     authenticated either), oldest first;
 *  3. one idle between requests, idle longest first (its client reconnects);
 *  4. one accepted just now that has not sent its request yet, oldest first.
 * The victim comes from the peer (remote address) with the most connections doing nothing, so a client that
 * opens many sockets and reopens each one it loses only ever displaces its own (on loopback every local
 * process is one peer, and the order above is what protects a caller). Only when every connection is serving a
 * request is the newcomer refused.
 *
 * Near the cap, responses ask the client to close their connection, so pools shrink before anything is evicted,
 * rather than the server closing an idle socket under a client that is about to reuse it.
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

export interface ConnectionTable {
  /** Whether responses should close their connection, so clients' pools shrink before anything is evicted. */
  crowded(): boolean;
}

/** Share of the cap above which responses close their connection. */
const CROWDED_SHARE = 0.5;
/** A connection silent for longer than this is not a client about to send its request. */
const FIRST_REQUEST_GRACE_MS = 1_000;

/**
 * Caps `server` at `max` open connections by eviction (see above). `refused` is told each time a newcomer is
 * turned away because every connection is busy.
 */
export function capConnections(server: Server, max: number, refused: () => void, clock: () => number = Date.now): ConnectionTable {
  const open = new Map<Socket, Connection>();
  // A counter, not a clock, orders connections within a rank: only the order of events matters.
  let events = 0;

  server.on('connection', (socket: Socket) => {
    if (open.size >= max) {
      const victim = leastUseful(open, clock());
      if (!victim) {
        socket.destroy();
        refused();
        return;
      }
      open.delete(victim);
      victim.destroy();
    }
    open.set(socket, { peer: socket.remoteAddress ?? '', opened: clock(), since: events++, serving: 0, spoken: false, closing: false });
    socket.once('close', () => open.delete(socket));
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
    });
  });

  return { crowded: () => open.size >= Math.max(1, Math.floor(max * CROWDED_SHARE)) };
}

/** The connection to close first (see the order above), or none when every one is serving a request. */
function leastUseful(open: Map<Socket, Connection>, now: number): Socket | undefined {
  const held = new Map<string, number>();
  for (const { peer, serving } of open.values()) if (serving === 0) held.set(peer, (held.get(peer) ?? 0) + 1);
  if (held.size === 0) return undefined;
  const most = Math.max(...held.values());
  const rank = (c: Connection) => (c.closing ? 0 : !c.spoken ? (now - c.opened > FIRST_REQUEST_GRACE_MS ? 1 : 3) : 2);
  let best: [Socket, Connection, number] | undefined;
  for (const [socket, connection] of open) {
    if (connection.serving > 0 || held.get(connection.peer) !== most) continue;
    const r = rank(connection);
    if (!best || r < best[2] || (r === best[2] && connection.since < best[1].since)) best = [socket, connection, r];
  }
  return best?.[0];
}
