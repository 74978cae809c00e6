/**
 * The workspace this process talks to: its resolved settings, token provider, pooled transport and the APIs on
 * top. Tools reach Databricks only through here, so every call gets the same auth, retries, timeouts and secret
 * scrubbing.
 *
 * With the server's own credentials the workspace is created on first use and shared for the life of the
 * process. A call whose caller brought their own token (Databricks Apps with user authorization) gets a
 * workspace of its own that authenticates with that token and is dropped when the call ends; it shares only the
 * pooled connections, which carry no credentials (the token travels in each request's headers).
 */
import type { Runtime } from '../runtime/process-runtime.js';
import { resolveWithSettingsCheck } from '../runtime/settings-check.js';
import { VERSION } from '../runtime/version.js';
import { AlertsApi } from './alerts.api.js';
import { IdentityApi } from './identity.api.js';
import { createTokenProvider, type TokenProvider } from './workspace-auth.js';
import { resolveWorkspaceConfig, type WorkspaceConfig } from './workspace-settings.js';
import { AiGatewayServicesApi } from './ai-gateway-services.api.js';
import { GrantsApi } from './grants.api.js';
import { ModelsApi } from './models.api.js';
import { proxyFor } from './proxy-settings.js';
import { RestClient } from './rest-client.js';
import { SchemasApi } from './schemas.api.js';
import { SecretsApi } from './secrets.api.js';
import { ServingEndpointsApi } from './serving-endpoints.api.js';
import { Transport } from './rest-transport.js';
import { FilesApi } from './files.api.js';
import { WorkspaceFilesApi } from './workspace-files.api.js';
import { WarehousesApi } from './warehouses.api.js';

export interface Workspace {
  /**
   * What tool results call the workspace: `"sandbox"` under --sandbox, else the host; under Databricks Apps
   * followed by whose rights the calls used, e.g. `https://… (as alice@example.com)`.
   */
  readonly label: string;
  readonly config: WorkspaceConfig;
  readonly tokens: TokenProvider;
  readonly transport: Transport;
  /** The HTTP(S) proxy both clients use to reach the workspace, if the environment names one for its host. */
  readonly proxy: URL | undefined;
  /** Whose own token the calls carry, when it is the caller's rather than the server's; named in refusals. */
  readonly actingAs?: string;
  readonly rest: RestClient;
  readonly servingEndpoints: ServingEndpointsApi;
  readonly grants: GrantsApi;
  readonly alerts: AlertsApi;
  /** Who the caller is, and which service principals exist (SCIM). */
  readonly identity: IdentityApi;
  readonly secrets: SecretsApi;
  readonly models: ModelsApi;
  readonly schemas: SchemasApi;
  /** Unity AI Gateway: model services, MCP services and the UC connections they use. */
  readonly services: AiGatewayServicesApi;
  /** Workspace files (`/Workspace/…`), where a state file may live. */
  readonly workspaceFiles: WorkspaceFilesApi;
  /** Files in Unity Catalog volumes (`/Volumes/…`), where a state file may live. */
  readonly files: FilesApi;
  readonly warehouses: WarehousesApi;
}

const USER_AGENT = `ai-gateway-mcp/${VERSION}`;

/** Resolves the settings from the runtime: explicit (`--sandbox`) settings, its environment, the profile file. */
export function workspaceConfigOf(runtime: Runtime): WorkspaceConfig {
  return resolveWithSettingsCheck(runtime.settingsProblems, () => resolveWorkspaceConfig({ explicit: runtime.workspace, env: runtime.env }));
}

/**
 * The workspace for the identity `runtime` acts as. Throws an actionable ToolError when no workspace is
 * configured (and tries again on the next call, since nothing is memoised until it succeeds).
 */
export function getWorkspace(runtime: Runtime): Workspace {
  const token = runtime.caller?.workspaceToken?.();
  if (token) return runtime.scopedService('databricks.workspace', () => callerWorkspace(runtime, token));
  return serverWorkspace(runtime.base);
}

/** Whose rights the calls of `runtime` use, under Databricks Apps; undefined elsewhere, where there is only one identity. */
export function actingIdentity(runtime: Runtime, config: WorkspaceConfig): string | undefined {
  if (!runtime.hosting) return undefined;
  const user = runtime.caller?.workspaceToken ? runtime.caller.user : undefined;
  if (user) return `as ${user}`;
  return config.authType === 'oauth-m2m' ? `as the app's service principal ${config.clientId}` : 'as the owner of DATABRICKS_TOKEN';
}

function serverWorkspace(runtime: Runtime): Workspace {
  return runtime.service('databricks.workspace', () => {
    const config = workspaceConfigOf(runtime);
    const { transport, proxy } = sharedTransport(runtime, config);
    const tokens = createTokenProvider(config, { transport, onSecret: (secret) => runtime.secrets.add(secret) });
    return assemble(config, tokens, transport, proxy, labelOf(runtime, config));
  });
}

/** A workspace that authenticates every call with the caller's own token, for one call. */
function callerWorkspace(runtime: Runtime, token: string): Workspace {
  // The caller's token stands in for the server's credentials; a forced DATABRICKS_AUTH_TYPE names the latter.
  const env = { ...runtime.env, DATABRICKS_AUTH_TYPE: undefined };
  const config = resolveWithSettingsCheck(runtime.settingsProblems, () => resolveWorkspaceConfig({ explicit: { ...runtime.workspace, token }, env }));
  const { transport, proxy } = sharedTransport(runtime.base, config);
  const tokens: TokenProvider = { authType: 'pat', token: async () => token, invalidate: () => undefined };
  return assemble(config, tokens, transport, proxy, labelOf(runtime, config), runtime.caller?.user ?? 'the caller');
}

function assemble(config: WorkspaceConfig, tokens: TokenProvider, transport: Transport, proxy: URL | undefined, label: string, actingAs?: string): Workspace {
  const rest = new RestClient(config.host, transport, tokens, USER_AGENT, actingAs);
  return {
    label,
    config,
    tokens,
    transport,
    proxy,
    ...(actingAs ? { actingAs } : {}),
    rest,
    servingEndpoints: new ServingEndpointsApi(rest),
    grants: new GrantsApi(rest),
    alerts: new AlertsApi(rest),
    identity: new IdentityApi(rest),
    secrets: new SecretsApi(rest),
    models: new ModelsApi(rest),
    schemas: new SchemasApi(rest),
    services: new AiGatewayServicesApi(rest),
    workspaceFiles: new WorkspaceFilesApi(rest),
    files: new FilesApi(rest),
    warehouses: new WarehousesApi(rest),
  };
}

/** One pool of connections to the workspace for the process, whoever's token a request carries. */
function sharedTransport(runtime: Runtime, config: WorkspaceConfig): { transport: Transport; proxy: URL | undefined } {
  return runtime.service('databricks.transport', () => {
    const proxy = proxyFor(config.host);
    const transport = new Transport({ caCert: config.caCert, proxy });
    runtime.onClose(() => transport.close());
    return { transport, proxy };
  });
}

function labelOf(runtime: Runtime, config: WorkspaceConfig): string {
  const base = runtime.workspaceLabel ?? config.host;
  const identity = actingIdentity(runtime, config);
  return identity ? `${base} (${identity})` : base;
}
