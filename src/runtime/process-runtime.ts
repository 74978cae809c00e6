/**
 * What lives for the whole process, outside any one MCP server instance. The SDK builds a fresh server per
 * HTTP request (and per stdio connection), so anything that must outlive a request — workspace clients, SQL
 * session pools, per-endpoint locks, known secrets to scrub — hangs off the runtime, created once at start.
 *
 * A tool call made by a known caller runs on a view of the runtime (`forCaller`): everything above is shared,
 * but when the caller brought their own workspace token the clients holding it live for that call only
 * (`scopedService`), and the token joins that call's secrets to scrub. Credentials never outlive the call.
 */
import path from 'node:path';
import type { AppsHosting } from '../transports/apps-hosting.js';
import type { Caller } from './caller.js';
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
   * With no state file named or found, use a copy of the example state (state/example-state.ts). Only `--sandbox`
   * sets it: the example audits endpoints the sandbox seeds, and would mislead about any other workspace.
   */
  exampleStateFallback?: boolean;
  /** Set when serving HTTP as a Databricks App: the Apps proxy authenticates callers (see http-apps.ts). */
  hosting?: AppsHosting;
}

/**
 * Secret values to scrub from anything printed. A call's set reads the process's live and adds its own (a
 * caller's token), which are forgotten with the call.
 */
export class Secrets implements Iterable<string> {
  private readonly values = new Set<string>();

  constructor(private readonly shared?: Secrets) {}

  add(secret: string | undefined): void {
    if (secret) this.values.add(secret);
  }

  *[Symbol.iterator](): Iterator<string> {
    if (this.shared) yield* this.shared;
    yield* this.values;
  }
}

type Closer = () => Promise<void> | void;

/** What one tool call owns: clients built with the caller's own token, closed when the call ends. */
interface CallScope {
  readonly services: Map<string, unknown>;
  readonly closers: Closer[];
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
  readonly hosting: AppsHosting | undefined;
  /** Secret values (tokens, client secrets) known to this process, or to this call; scrubbed from anything printed. */
  readonly secrets: Secrets = new Secrets();
  /** Who made the current call; undefined on the process runtime (stdio, start-up). */
  readonly caller: Caller | undefined = undefined;
  /** The process runtime (itself, outside a call): where process-wide secrets are remembered. */
  readonly base: Runtime = this;
  private readonly services = new Map<string, unknown>();
  private readonly closers: Closer[] = [];
  private readonly callScope: CallScope | undefined = undefined;

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
    this.hosting = options.hosting;
    for (const value of [this.workspace.token, this.workspace.clientSecret, this.env.DATABRICKS_TOKEN, this.env.DATABRICKS_CLIENT_SECRET]) {
      this.secrets.add(value);
    }
  }

  /**
   * The runtime one tool call by `caller` runs on. It shares everything with the process (it inherits from it);
   * only the caller, the call's secrets and, when the caller brought a workspace token, the call's own clients
   * are its own. End it with `endCall()`.
   */
  forCaller(caller: Caller): Runtime {
    const token = caller.workspaceToken?.();
    const secrets = new Secrets(this.base.secrets);
    secrets.add(token);
    const callScope: CallScope | undefined = token ? { services: new Map(), closers: [] } : undefined;
    return Object.create(this.base, {
      caller: { value: caller },
      secrets: { value: secrets },
      callScope: { value: callScope },
    }) as Runtime;
  }

  /**
   * A key for answers that depend on who asks (which usage table they may read): empty for the server's own
   * credentials, the caller's name when the call runs with their token.
   */
  get identityKey(): string {
    return this.callScope ? `user:${this.caller?.user ?? ''}` : '';
  }

  /** One shared instance per key for the life of the process (clients, pools), created on first use. */
  service<T>(key: string, create: () => T): T {
    if (!this.services.has(key)) this.services.set(key, create());
    return this.services.get(key) as T;
  }

  /**
   * One instance per key for the identity this runtime acts as: process-wide for the server's own credentials,
   * for this call only when it runs with the caller's token. `onEnd` registers what to close with it.
   */
  scopedService<T>(key: string, create: (onEnd: (closer: Closer) => void) => T): T {
    const scope = this.callScope;
    if (!scope) return this.service(key, () => create((closer) => this.onClose(closer)));
    if (!scope.services.has(key)) scope.services.set(key, create((closer) => scope.closers.push(closer)));
    return scope.services.get(key) as T;
  }

  /** Closes what this call created with the caller's token; a no-op for calls acting as the server. */
  async endCall(): Promise<void> {
    const scope = this.callScope;
    if (!scope) return;
    const closers = scope.closers.splice(0).reverse();
    scope.services.clear();
    await Promise.allSettled(closers.map(async (close) => close()));
  }

  onClose(closer: Closer): void {
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
