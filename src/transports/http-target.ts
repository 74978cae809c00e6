/**
 * The request target and Host of an HTTP request, read before anything else uses them. An origin server takes
 * `/path` (origin-form) and must also accept `http://host:port/path` (absolute-form), whose authority then
 * stands for the Host header (RFC 9112 §3.2.2) — so the access check sees the name the client really used.
 * Anything else is malformed and answered 400 here: another scheme or `*` as the target, credentials in it,
 * a Host that is not `host[:port]` (`user@127.0.0.1`, `127.0.0.1/x`). The MCP handler builds a URL from the
 * two and would fail on them with a 500, or read a path smuggled into Host.
 */

/** `host[:port]`: a DNS name or IPv4 address, or an IPv6 address in brackets. */
const AUTHORITY = /^(?:\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(?::\d{1,5})?$/i;
const ABSOLUTE_HTTP = /^http:\/\//i;

export type RequestTarget = { path: string; host: string } | { malformed: string };

export function requestTarget(url: string | undefined, host: string | undefined): RequestTarget {
  const target = url ?? '';
  if (target.startsWith('/')) {
    if (!host) return { malformed: 'the request has no Host header' };
    if (!AUTHORITY.test(host)) return { malformed: 'the Host header is not host[:port]' };
    return { path: target, host };
  }
  if (ABSOLUTE_HTTP.test(target)) {
    const rest = target.slice('http://'.length);
    const end = rest.search(/[/?#]/);
    const authority = end === -1 ? rest : rest.slice(0, end);
    if (!AUTHORITY.test(authority)) return { malformed: 'the authority of the request target is not host[:port]' };
    const path = end === -1 ? '/' : rest.slice(end);
    return { path: path.startsWith('/') ? path : `/${path}`, host: authority };
  }
  return { malformed: 'the request target is neither a path (/mcp) nor an http:// URL' };
}
