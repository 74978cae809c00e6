/**
 * What lives for the whole process, outside any one MCP server instance. The SDK builds a fresh server per
 * HTTP request (and per stdio connection), so anything that must outlive a request — workspace clients, SQL
 * session pools, per-endpoint locks, known secrets to scrub — hangs off the runtime, created once at start.
 */
import path from 'node:path';
import type { SettingProblem } from './settings-check.js';

/** Workspace settings given explicitly (highest precedence in unified auth), e.g. by `--sandbox`. */
export interface ExplicitWorkspaceSettings {
  host?: string;
  token?: string;
  clientId?: string;
  clientSecret?: string;
  profile?: string;
  warehouseId?: string;
  /** PEM of an extra CA to trust (the sandbox's self-signed certificate). */
  caCert?: string;
}

export interface RuntimeOptions {
  /** `--read-only` / `AIGW_READ_ONLY=1`: write tools are never registered. */
  readOnly?: boolean;
  /** Working folder: default state file locations are resolved here. */
  cwd?: string;
  /**
   * When set, every file a caller names must resolve inside this folder (HTTP callers may be remote).
   * `AIGW_ROOT` sets it; the HTTP transport defaults it to `cwd`.
   */
  root?: string;
  env?: NodeJS.ProcessEnv;
  /** Explicit workspace settings, above environment variables and profiles. */
  workspace?: ExplicitWorkspaceSettings;
  /** What tool results call the workspace (`"sandbox"` under `--sandbox`, else the host). */
  workspaceLabel?: string;
  /** Settings that arrived unsubstituted or still encrypted (see settings-check.ts), named in workspace errors. */
  settingsProblems?: readonly SettingProblem[];
  /**
   * With no state file named or found, use a copy of the example state (state/example.ts). Only `--sandbox`
   * sets it: the example audits endpoints the sandbox seeds, and would mislead about any other workspace.
   */
  exampleStateFallback?: boolean;
}

export class Runtime {
  readonly readOnly: boolean;
  readonly cwd: string;
  readonly root: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly workspace: ExplicitWorkspaceSettings;
  readonly workspaceLabel: string | undefined;
  readonly settingsProblems: readonly SettingProblem[];
  readonly exampleStateFallback: boolean;
  /** Secret values (tokens, client secrets) this process knows; scrubbed from anything it prints. */
  readonly secrets = new Set<string>();
  private readonly services = new Map<string, unknown>();
  private readonly closers: Array<() => Promise<void> | void> = [];

  constructor(options: RuntimeOptions = {}) {
    this.env = options.env ?? process.env;
    this.readOnly = options.readOnly ?? isTruthy(this.env.AIGW_READ_ONLY);
    this.cwd = path.resolve(options.cwd ?? process.cwd());
    const root = options.root ?? this.env.AIGW_ROOT;
    this.root = root ? path.resolve(this.cwd, root) : undefined;
    this.workspace = options.workspace ?? {};
    this.workspaceLabel = options.workspaceLabel;
    this.settingsProblems = options.settingsProblems ?? [];
    this.exampleStateFallback = options.exampleStateFallback ?? false;
    for (const value of [this.workspace.token, this.workspace.clientSecret, this.env.DATABRICKS_TOKEN, this.env.DATABRICKS_CLIENT_SECRET]) {
      if (value) this.secrets.add(value);
    }
  }

  /** One shared instance per key for the life of the process (clients, pools), created on first use. */
  service<T>(key: string, create: () => T): T {
    if (!this.services.has(key)) this.services.set(key, create());
    return this.services.get(key) as T;
  }

  onClose(closer: () => Promise<void> | void): void {
    this.closers.push(closer);
  }

  async close(): Promise<void> {
    const closers = this.closers.splice(0).reverse();
    await Promise.allSettled(closers.map(async (close) => close()));
    this.services.clear();
  }
}

export function isTruthy(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}
