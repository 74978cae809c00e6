/**
 * One TLS handshake with the warehouse's host before the SQL driver's first call. The driver retries every
 * network error five times with backoff from 2 s to 16 s (@databricks/sql HttpRetryPolicy:
 * RETRYABLE_NETWORK_ERROR_CODES, retryMaxAttempts 5), right for a dropped keep-alive socket but about 30 s
 * of waiting for a host name that does not resolve, a port nobody listens on, or a certificate nobody trusts.
 * Those three cannot succeed on retry, so they fail here at once, naming the host. Anything else (a slow
 * network, a timeout) is left to the driver; so is every host reached through a proxy, which resolves it.
 */
import { isIP } from 'node:net';

export interface HandshakeTarget {
  hostname: string;
  port: number;
  /** PEM of an extra CA to trust besides the system roots (the sandbox's). */
  caCert?: string;
}

/** Handshakes that succeeded, per host, port and CA: a process checks each warehouse host once. */
const reached = new Set<string>();

/** Error codes that no retry can change: the name, the port and the certificate stay what they are. */
const HOPELESS = /^(ENOTFOUND|ECONNREFUSED|ERR_TLS_CERT_ALTNAME_INVALID|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(GET_ISSUER_CERT|VERIFY_LEAF_SIGNATURE)|CERT_)/;

/** Resolves when the host is reachable or the outcome is unclear; rejects with the socket's error when it cannot be. */
export async function checkWarehouseReachable(target: HandshakeTarget, timeoutMs = 3000): Promise<void> {
  const key = `${target.hostname}:${target.port}:${target.caCert ?? ''}`;
  if (reached.has(key)) return;
  const tls = await import('node:tls');
  const error = await new Promise<Error | undefined>((resolve) => {
    const socket = tls.connect({
      host: target.hostname,
      port: target.port,
      // Setting `ca` replaces the system roots, so keep them alongside the extra CA (as the REST transport does).
      ...(target.caCert ? { ca: [...tls.rootCertificates, target.caCert] } : {}),
      ...(isIP(target.hostname) ? {} : { servername: target.hostname }),
      timeout: timeoutMs,
    });
    socket.once('secureConnect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (err) => resolve(err));
  });
  if (error === undefined) {
    reached.add(key);
    return;
  }
  if (HOPELESS.test((error as { code?: string }).code ?? '')) throw error;
}
