/**
 * A local stand-in for the Databricks Apps proxy, in front of the built server in App mode. Like the real one
 * it authenticates each request (here: a bearer token looked up in a table of users), drops whatever
 * X-Forwarded-* headers the client sent, and forwards the request with the identity headers the proxy adds:
 * X-Forwarded-Email/-User/-Preferred-Username/-Host, X-Real-Ip, X-Request-Id and, when the app has user
 * authorization, the user's own workspace token in X-Forwarded-Access-Token. Loopback only.
 */
import { randomUUID } from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AppsProxyUser {
  email: string;
  /** What the identity provider calls the user (X-Forwarded-User). */
  userId: string;
  /** The user's own workspace token, forwarded only with user authorization. */
  workspaceToken: string;
}

export interface AppsProxy {
  /** The app's URL through the proxy: `http://127.0.0.1:<port>/mcp`. */
  url: string;
  /** Whether the app has user authorization (forwards X-Forwarded-Access-Token); can change between calls. */
  userAuthorization: boolean;
  close(): Promise<void>;
}

const DROPPED = /^(x-forwarded-|x-real-ip$|x-request-id$|authorization$|host$)/i;

/** `users` maps the bearer token a client signs in with to the user it stands for. */
export async function startAppsProxy(appUrl: string, appHost: string, users: Record<string, AppsProxyUser>): Promise<AppsProxy> {
  const target = new URL(appUrl);
  const server = createServer((req, res) => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const user = bearer === undefined ? undefined : users[bearer];
    if (!user) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('Unauthorized: sign in to the workspace');
      return;
    }
    const headers: IncomingHttpHeaders = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !DROPPED.test(name)));
    Object.assign(headers, {
      host: target.host,
      'x-forwarded-host': appHost,
      'x-forwarded-email': user.email,
      'x-forwarded-user': user.userId,
      'x-forwarded-preferred-username': user.email.split('@')[0],
      'x-real-ip': '127.0.0.1',
      'x-request-id': randomUUID(),
      ...(proxy.userAuthorization ? { 'x-forwarded-access-token': user.workspaceToken } : {}),
    });
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy: AppsProxy = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    userAuthorization: true,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return proxy;
}
