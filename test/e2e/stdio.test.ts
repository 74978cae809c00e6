/**
 * The built server's stdio wire under frames no well-behaved client sends: every frame the server cannot take
 * gets a JSON-RPC error (for its id when it has one) and the session goes on serving; nothing ends it silently.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { deepCall, RawStdioServer } from '../support/raw-stdio.js';
import { tempDir } from '../support/states.js';

const INVALID_REQUEST = -32600;
const PARSE_ERROR = -32700;

let server: RawStdioServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function started(): Promise<RawStdioServer> {
  server = new RawStdioServer({ cwd: tempDir('aigw-stdio-') });
  await server.initialize();
  return server;
}

/** Asserts the session still answers: a ping and a tools/list, each with its own id. */
async function expectServing(s: RawStdioServer, tag: string): Promise<void> {
  s.write({ jsonrpc: '2.0', id: `${tag}-ping`, method: 'ping' });
  s.write({ jsonrpc: '2.0', id: `${tag}-tools`, method: 'tools/list' });
  expect((await s.reply(`${tag}-ping`)).result).toEqual({});
  expect(((await s.reply(`${tag}-tools`)).result?.tools as unknown[]).length).toBe(5);
}

describe('stdio frames the server cannot take', () => {
  it('answers a frame of 11 MiB with "too large" for its id, and keeps serving', async () => {
    const s = await started();
    // The v1 SDK writes the id last, after the params, as here: the server must find it past the limit.
    const huge = JSON.stringify({ method: 'tools/call', params: { name: 'validate_config', arguments: { config: { pad: 'x'.repeat(11 * 1024 * 1024) } } }, jsonrpc: '2.0', id: 41 });
    s.write(huge);
    const reply = await s.reply(41);
    expect(reply.error?.code).toBe(INVALID_REQUEST);
    expect(reply.error?.message).toMatch(/too large: a message of \d+ bytes, over this server's limit of 1048576 bytes/);
    await expectServing(s, 'after-huge');
  });

  it('finds the id of an oversized frame whatever comes before it, and answers null when there is none', async () => {
    const s = await started();
    const pad = 'y'.repeat(2 * 1024 * 1024);
    // Nested "id" keys, escaped quotes and braces inside strings must not be taken for the top-level id.
    s.write(`{"jsonrpc":"2.0","params":{"id":7,"note":"\\"id\\": 8, {[","pad":"${pad}"},"method":"ping","id":"outer"}`);
    expect((await s.reply('outer')).error?.code).toBe(INVALID_REQUEST);
    s.write(`{"jsonrpc":"2.0","method":"ping","params":{"pad":"${pad}"}}`);
    const anonymous = await s.until(() => s.replies.find((r) => r.id === null && r.error?.code === INVALID_REQUEST), 'a null-id reply');
    expect(anonymous.error?.message).toMatch(/too large/);
    await expectServing(s, 'after-oversized');
  });

  it('answers frames with an id but the wrong shape with "invalid request" for that id', async () => {
    const s = await started();
    s.write({ jsonrpc: '2.0', id: 1, method: 5 });
    s.write({ id: 2, method: 'ping' });
    s.write({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: 'read_audit' });
    s.write({ jsonrpc: '2.0', id: 4 });
    for (const [id, why] of [[1, /"method" must be a string/], [2, /"jsonrpc" must be "2.0"/], [3, /"params" must be an object/], [4, /"method" must be a string/]] as const) {
      const reply = await s.reply(id);
      expect(reply.error?.code, `id ${id}`).toBe(INVALID_REQUEST);
      expect(reply.error?.message).toMatch(why);
    }
    await expectServing(s, 'after-shapes');
  });

  it('answers a line that is not JSON with a parse error (id null), and never answers a malformed response', async () => {
    const s = await started();
    s.write('{"jsonrpc":"2.0","id":9,"method":"ping"');
    const parse = await s.until(() => s.replies.find((r) => r.error?.code === PARSE_ERROR), 'a parse error');
    expect(parse.id).toBeNull();
    // A response to a request the server never sent: answering it would be a protocol error of our own.
    s.write({ jsonrpc: '2.0', id: 'after-ping', result: 'not an object' });
    await s.until(() => (/dropped a response of the wrong shape/.test(s.stderr) ? true : undefined), 'the dropped response on stderr');
    await expectServing(s, 'after');
    expect(s.replies.filter((r) => r.id === 'after-ping')).toHaveLength(1);
  });
});

describe('deeply nested arguments', () => {
  it('refuses 5,000 to 100,000 levels with INVALID_ARGUMENTS, prints no stack, and keeps serving', async () => {
    const s = await started();
    const cases = [5_000, 20_000, 100_000].flatMap((levels) => (['object', 'array'] as const).map((shape) => ({ levels, shape })));
    for (const [id, { levels, shape }] of cases.entries()) s.write(deepCall(id, levels, shape));
    for (const id of cases.keys()) {
      const result = (await s.reply(id)).result as { isError?: boolean; structuredContent?: { error?: { code?: string; what?: string } } };
      expect(result.isError).toBe(true);
      expect(result.structuredContent?.error).toMatchObject({ code: 'INVALID_ARGUMENTS', what: expect.stringMatching(/nest more than 64 levels/) });
    }
    expect(s.stderr).not.toMatch(/Maximum call stack|RangeError|\n\s+at /);
    await expectServing(s, 'after-deep');
  });
});
