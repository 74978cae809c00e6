/**
 * The built server over stdio with no MCP client in between: the test writes raw lines (broken, oversized,
 * hostile) and reads every line the server writes back, so it sees exactly what a client would.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { CLI, REPO } from './mcp.js';

export interface RpcReply {
  jsonrpc: string;
  id: string | number | null;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
}

export class RawStdioServer {
  readonly child: ChildProcessWithoutNullStreams;
  readonly replies: RpcReply[] = [];
  private stdout = '';
  private stderrText = '';
  private readonly waiters = new Set<() => void>();

  constructor(options: { args?: string[]; env?: Record<string, string>; cwd?: string } = {}) {
    this.child = spawn(process.execPath, [CLI, ...(options.args ?? [])], {
      cwd: options.cwd ?? REPO,
      env: { PATH: process.env.PATH ?? '', HOME: options.cwd ?? REPO, ...options.env },
    });
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.stdout += chunk.toString();
      let newline: number;
      while ((newline = this.stdout.indexOf('\n')) >= 0) {
        const line = this.stdout.slice(0, newline);
        this.stdout = this.stdout.slice(newline + 1);
        this.replies.push(JSON.parse(line) as RpcReply);
      }
      this.notify();
    });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderrText += chunk.toString();
      this.notify();
    });
    this.child.on('exit', () => this.notify());
    // A server that died makes writes fail with EPIPE; the waits below report that instead.
    this.child.stdin.on('error', () => undefined);
  }

  get stderr(): string {
    return this.stderrText;
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Writes one frame (a value is serialized; a string or buffer goes as is) followed by a newline. */
  write(frame: unknown): void {
    const body = typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame);
    this.child.stdin.write(body);
    this.child.stdin.write('\n');
  }

  /** The reply with this id; fails as soon as the server exits without having sent it. */
  reply(id: string | number | null): Promise<RpcReply> {
    return this.until(() => this.replies.find((r) => r.id === id), `a reply with id ${JSON.stringify(id)}`);
  }

  /** Resolves when `check` returns something; rejects if the server exits first. */
  until<T>(check: () => T | undefined, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const test = () => {
        const found = check();
        if (found !== undefined) {
          this.waiters.delete(test);
          resolve(found);
        } else if (this.exited) {
          this.waiters.delete(test);
          reject(new Error(`the server exited (${this.child.exitCode ?? this.child.signalCode}) before ${what}; stderr: ${this.stderrText}`));
        }
      };
      this.waiters.add(test);
      test();
    });
  }

  async initialize(): Promise<void> {
    this.write({ jsonrpc: '2.0', id: 'init', method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    await this.reply('init');
    this.write({ jsonrpc: '2.0', method: 'notifications/initialized' });
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.end();
    await exited;
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** A tools/call whose `config` nests `levels` objects (or arrays) deep, written as raw JSON: no client serialises it. */
export function deepCall(id: number, levels: number, shape: 'object' | 'array'): string {
  const nested = shape === 'object' ? `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}` : `{"a":${'['.repeat(levels)}${']'.repeat(levels)}}`;
  return `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"validate_config","arguments":{"config":${nested}}}}`;
}
