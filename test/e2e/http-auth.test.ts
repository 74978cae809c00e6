/**
 * A token-protected HTTP server, met by the official clients the way Claude Code, Cursor and VS Code meet it:
 * with an OAuth provider (they answer any 401 with OAuth discovery and dynamic client registration) and
 * without one. Every combination must end in a message telling the user to send `Authorization: Bearer …`,
 * never in a bare discovery failure ("Dynamic Client Registration rejected (HTTP 404): not found").
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1Transport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../support/mcp.js';
import { tempDir } from '../support/states.js';

const TOKEN = 'e2e-auth-token-0123456789abcdef';
const SEND_HEADER = /send the header Authorization: Bearer <the AIGW_HTTP_TOKEN the server was started with>/;

let child: ChildProcess;
let url: URL;

beforeAll(async () => {
  const cwd = tempDir('aigw-http-auth-');
  child = spawn(process.execPath, [CLI, '--http', '--port', '0'], { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd, AIGW_HTTP_TOKEN: TOKEN } });
  url = await new Promise<URL>((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const printed = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
      if (printed) resolve(new URL(printed));
    });
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${stderr}`)));
  });
}, 30_000);

afterAll(() => {
  child?.kill('SIGTERM');
});

/** What an OAuth-capable client hands its transport before it has any token: nothing stored, no browser. */
function oauthProvider() {
  const redirect = 'http://127.0.0.1:1/callback';
  return {
    get redirectUrl() {
      return redirect;
    },
    get clientMetadata() {
      return { client_name: 'e2e', redirect_uris: [redirect] };
    },
    clientInformation: () => undefined,
    saveClientInformation: () => undefined,
    tokens: () => undefined,
    saveTokens: () => undefined,
    redirectToAuthorization: () => {
      throw new Error('the client would open a browser for an authorization server');
    },
    saveCodeVerifier: () => undefined,
    codeVerifier: () => 'verifier',
  };
}

async function failure(connect: () => Promise<unknown>): Promise<string> {
  try {
    await connect();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('connected without the token');
}

describe('a missing token', () => {
  it('@modelcontextprotocol/client without OAuth: the 401 body says to send the header', async () => {
    const message = await failure(() => new Client({ name: 'e2e', version: '1' }).connect(new StreamableHTTPClientTransport(url)));
    expect(message).toMatch(/Missing Authorization header/);
    expect(message).toMatch(SEND_HEADER);
  });

  it('@modelcontextprotocol/client with OAuth: registration fails saying the server takes no OAuth and what to send', async () => {
    const message = await failure(() => new Client({ name: 'e2e', version: '1' }).connect(new StreamableHTTPClientTransport(url, { authProvider: oauthProvider() })));
    expect(message).toMatch(/this server takes no OAuth/);
    expect(message).toMatch(/Authorization: Bearer <the AIGW_HTTP_TOKEN/);
    expect(message).toMatch(/Claude Code: --header; Cursor, VS Code: \\"headers\\" in mcp.json/);
  });

  it('v1 SDK client without OAuth: the 401 body says to send the header', async () => {
    const message = await failure(() => new V1Client({ name: 'e2e', version: '1' }).connect(new V1Transport(url)));
    expect(message).toMatch(SEND_HEADER);
  });

  it('v1 SDK client with OAuth: the error is the description itself', async () => {
    const message = await failure(() => new V1Client({ name: 'e2e', version: '1' }).connect(new V1Transport(url, { authProvider: oauthProvider() })));
    expect(message).toMatch(/^this server takes no OAuth: configure the MCP client to send the header Authorization: Bearer/);
  });
});

describe('a wrong token', () => {
  it('says the token is not the one the server was started with, and what to send', async () => {
    const transport = new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: 'Bearer not-the-token' } } });
    const message = await failure(() => new Client({ name: 'e2e', version: '1' }).connect(transport));
    expect(message).toMatch(/the bearer token is not the one this server was started with/);
    expect(message).toMatch(SEND_HEADER);
  });

  it('the 401 challenge names no resource metadata to discover, only the error and what to do', async () => {
    const response = await fetch(url, { method: 'POST', headers: { authorization: 'Bearer not-the-token', 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer error="invalid_token", error_description="[^"]*send the header Authorization: Bearer/);
    expect(challenge).not.toMatch(/resource_metadata/);
  });
});

describe('the right token', () => {
  it('connects and lists the tools', async () => {
    const client = new Client({ name: 'e2e', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: `Bearer ${TOKEN}` } } }));
    expect((await client.listTools()).tools.length).toBe(5);
    await client.close();
  });
});
