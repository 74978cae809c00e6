/**
 * Running as a Databricks App. The platform sets DATABRICKS_APP_NAME (and DATABRICKS_APP_PORT, DATABRICKS_HOST,
 * DATABRICKS_WORKSPACE_ID and the app service principal's DATABRICKS_CLIENT_ID/SECRET) in the app's
 * environment; the app is reached at https://<app-name>-<workspace-id>.<region>.databricksapps.com.
 */
export interface AppsHosting {
  appName: string;
  /** DATABRICKS_WORKSPACE_ID; names the app's host together with the app name. */
  workspaceId?: string;
  /** DATABRICKS_APP_PORT, the port the Apps proxy forwards to. */
  port: number;
}

/** The port an app listens on when the platform names none. */
export const APPS_DEFAULT_PORT = 8000;

/** Apps mode, when the environment says the process runs as a Databricks App. */
export function appsHostingOf(env: NodeJS.ProcessEnv): AppsHosting | undefined {
  const appName = env.DATABRICKS_APP_NAME?.trim();
  if (!appName) return undefined;
  const rawPort = env.DATABRICKS_APP_PORT?.trim();
  const workspaceId = env.DATABRICKS_WORKSPACE_ID?.trim();
  return { appName, ...(workspaceId ? { workspaceId } : {}), port: rawPort ? Number(rawPort) : APPS_DEFAULT_PORT };
}

/** Whether `hostname` is this app's own Databricks Apps host, in any region. */
export function isAppHostname(hosting: AppsHosting, hostname: string): boolean {
  if (!hosting.workspaceId) return false;
  const name = hostname.toLowerCase();
  const prefix = `${hosting.appName}-${hosting.workspaceId}.`.toLowerCase();
  return name.startsWith(prefix) && /^([a-z0-9-]+\.)*databricksapps\.com$/.test(name.slice(prefix.length));
}
