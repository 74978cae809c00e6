/**
 * The `sandbox` command as a user runs it: a child process of the built module (dist/), whose stdout must
 * be exactly one JSON line a script can use to reach the workspace, and which stops on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const COMMAND_MODULE = fileURLToPath(new URL('../../dist/commands/sandbox-command.js', import.meta.url));

function runCommand(args: string[]): ChildProcess {
  const script = `import(${JSON.stringify(COMMAND_MODULE)}).then((m) => m.runSandboxCommand(${JSON.stringify(args)}));`;
  return spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function collect(stream: NodeJS.ReadableStream | null): { text: () => string } {
  let text = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    text += chunk;
  });
  return { text: () => text };
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

let child: ChildProcess | undefined;

beforeAll(() => {
  if (!existsSync(COMMAND_MODULE)) throw new Error(`${COMMAND_MODULE} is missing: run \`npx tsc -p tsconfig.json\` first.`);
});
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
});

describe('ai-gateway-mcp sandbox', () => {
  it('prints one JSON line when ready, serves HTTPS with the printed token and CA, and stops on SIGTERM', async () => {
    child = runCommand(['--seed', '7']);
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    const exit = exited(child);
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no JSON line within 30 s; stderr: ${stderr.text()}`)), 30_000);
      child!.stdout!.on('data', () => {
        if (stdout.text().includes('\n')) {
          clearTimeout(timer);
          resolve(stdout.text());
        }
      });
      child!.once('exit', () => reject(new Error(`exited before ready; stderr: ${stderr.text()}`)));
    });
    const ready = JSON.parse(line.trim());
    expect(Object.keys(ready).sort()).toEqual(['ca_cert', 'host', 'port', 'token', 'warehouse_path']);
    expect(ready.host).toBe(`https://127.0.0.1:${ready.port}`);
    expect(ready.warehouse_path).toMatch(/^\/sql\/1\.0\/warehouses\/\w+$/);

    const agent = new Agent({ connect: { ca: readFileSync(ready.ca_cert, 'utf8') } });
    const response = await request(`${ready.host}/api/2.0/serving-endpoints/skyloyalty-ai-gateway`, {
      headers: { authorization: `Bearer ${ready.token}` },
      dispatcher: agent,
    });
    expect(response.statusCode).toBe(200);
    expect(((await response.body.json()) as { name: string }).name).toBe('skyloyalty-ai-gateway');
    await agent.close();

    child.kill('SIGTERM');
    expect(await exit).toEqual({ code: 0, signal: null });
    expect(stdout.text()).toBe(line);
    expect(stderr.text()).toMatch(/SIGTERM received/);
    expect(stderr.text()).not.toContain(ready.token);
  });

  it('refuses a bad flag with exit code 2, the usage on stderr and nothing on stdout', async () => {
    child = runCommand(['--port', 'eighty']);
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    expect((await exited(child)).code).toBe(2);
    expect(stdout.text()).toBe('');
    expect(stderr.text()).toMatch(/--port must be an integer/);
  });
});
