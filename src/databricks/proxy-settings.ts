/**
 * Which HTTP(S) proxy reaches the workspace, from the standard environment (HTTPS_PROXY / HTTP_PROXY /
 * ALL_PROXY, NO_PROXY), decided once per workspace host and used by both clients: the REST transport and the
 * SQL driver. proxy-from-env is the library the SQL driver's own proxy support uses, so both read NO_PROXY
 * alike. Loopback hosts never go through a proxy (as the Databricks Go SDK does): no proxy can reach them.
 */
import { getProxyForUrl } from 'proxy-from-env';

export function proxyFor(host: string): URL | undefined {
  const hostname = new URL(host).hostname;
  if (hostname === 'localhost' || hostname === '[::1]' || /^127\./.test(hostname)) return undefined;
  const proxy = getProxyForUrl(host);
  if (!proxy) return undefined;
  // A bare "host:port" (common in HTTPS_PROXY) means an HTTP proxy.
  return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`);
}

/** The proxy as @databricks/sql takes it. */
export function driverProxy(proxy: URL) {
  const protocol = proxy.protocol.replace(/:$/, '') as 'http' | 'https' | 'socks' | 'socks4' | 'socks4a' | 'socks5' | 'socks5h';
  const port = proxy.port ? Number(proxy.port) : protocol === 'https' ? 443 : protocol.startsWith('socks') ? 1080 : 80;
  const auth = proxy.username ? { username: decodeURIComponent(proxy.username), password: decodeURIComponent(proxy.password) } : undefined;
  return { protocol, host: proxy.hostname, port, ...(auth ? { auth } : {}) };
}
