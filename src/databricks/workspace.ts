/**
 * The one workspace this process talks to: its resolved settings, token provider, pooled transport and the
 * APIs on top, created on first use and shared for the life of the process. Tools reach Databricks only
 * through here, so every call gets the same auth, retries, timeouts and secret scrubbing.
 */
import type { Runtime } from '../runtime.js';
import { resolveWithSettingsCheck } from '../settings-check.js';
import { VERSION } from '../version.js';
import { AlertsApi } from './alerts.js';
import { createTokenProvider, type TokenProvider } from './auth.js';
import { resolveWorkspaceConfig, type WorkspaceConfig } from './config.js';
import { GrantsApi } from './grants.js';
import { ModelsApi } from './models.js';
import { proxyFor } from './proxy.js';
import { RestClient } from './rest.js';
import { SecretsApi } from './secrets.js';
import { ServingEndpointsApi } from './serving-endpoints.js';
import { Transport } from './transport.js';

export interface Workspace {
  /** What tool results call the workspace: `"sandbox"` under --sandbox, else the host. */
  readonly label: string;
  readonly config: WorkspaceConfig;
  readonly tokens: TokenProvider;
  readonly transport: Transport;
  /** The HTTP(S) proxy both clients use to reach the workspace, if the environment names one for its host. */
  readonly proxy: URL | undefined;
  readonly rest: RestClient;
  readonly servingEndpoints: ServingEndpointsApi;
  readonly grants: GrantsApi;
  readonly alerts: AlertsApi;
  readonly secrets: SecretsApi;
  readonly models: ModelsApi;
}

/** Resolves the settings from the runtime: explicit (`--sandbox`) settings, its environment, the profile file. */
export function workspaceConfigOf(runtime: Runtime): WorkspaceConfig {
  return resolveWithSettingsCheck(runtime.settingsProblems, () => resolveWorkspaceConfig({ explicit: runtime.workspace, env: runtime.env }));
}

/**
 * The shared workspace, created on first use. Throws an actionable ToolError when no workspace is
 * configured (and tries again on the next call, since nothing is memoised until it succeeds).
 */
export function getWorkspace(runtime: Runtime): Workspace {
  return runtime.service('databricks.workspace', () => {
    const config = workspaceConfigOf(runtime);
    const remember = (secret: string): void => {
      if (secret) runtime.secrets.add(secret);
    };
    const proxy = proxyFor(config.host);
    const transport = new Transport({ caCert: config.caCert, proxy });
    const tokens = createTokenProvider(config, { transport, onSecret: remember });
    const rest = new RestClient(config.host, transport, tokens, `ai-gateway-mcp/${VERSION}`);
    runtime.onClose(() => transport.close());
    return {
      label: runtime.workspaceLabel ?? config.host,
      config,
      tokens,
      transport,
      proxy,
      rest,
      servingEndpoints: new ServingEndpointsApi(rest),
      grants: new GrantsApi(rest),
      alerts: new AlertsApi(rest),
      secrets: new SecretsApi(rest),
      models: new ModelsApi(rest),
    } satisfies Workspace;
  });
}
