/**
 * Databricks unified auth, resolved the way the Databricks CLI and SDKs resolve it: explicit settings first,
 * then `DATABRICKS_*` environment variables, then the keys of one profile in `~/.databrickscfg` (or
 * `DATABRICKS_CONFIG_FILE`). A value set at a higher level is never overwritten by a lower one. The profile
 * file is read only when a profile was asked for or the settings above do not yet make a working config.
 * No I/O besides reading that one file; no network.
 */
import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ini from 'ini';
import { ToolError } from '../shared/tool-error.js';
import type { ExplicitWorkspaceSettings } from '../runtime/process-runtime.js';

export type AuthType = 'pat' | 'oauth-m2m';

export interface WorkspaceConfig {
  /** `https://host[:port]`, no trailing slash. */
  host: string;
  authType: AuthType;
  token?: string;
  clientId?: string;
  clientSecret?: string;
  warehouseId?: string;
  /** PEM of an extra CA to trust (the sandbox's self-signed certificate). */
  caCert?: string;
  /** The profile whose keys filled gaps, when one did. */
  profile?: string;
  /** The profile file that was read, when one was. */
  configFile?: string;
}

export interface ResolveOptions {
  explicit?: ExplicitWorkspaceSettings;
  env?: NodeJS.ProcessEnv;
  /** Home folder for the default `~/.databrickscfg` (tests point it elsewhere). */
  homeDir?: string;
}

/** Settings merged so far; keys follow the profile-file spelling. */
interface Settings {
  host?: string;
  token?: string;
  client_id?: string;
  client_secret?: string;
  warehouse_id?: string;
  auth_type?: string;
}

const SETUP_HINT =
  'Set DATABRICKS_HOST with DATABRICKS_TOKEN (a personal access token) or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET (OAuth M2M), ' +
  'or name a profile of ~/.databrickscfg with DATABRICKS_CONFIG_PROFILE; to try the tools without a workspace, start the server with --sandbox';

/** Resolves the workspace settings or throws a ToolError that names the missing setting. */
export function resolveWorkspaceConfig(options: ResolveOptions = {}): WorkspaceConfig {
  const explicit = options.explicit ?? {};
  const env = options.env ?? process.env;
  const merged: Settings = {};
  fill(merged, {
    host: explicit.host,
    token: explicit.token,
    client_id: explicit.clientId,
    client_secret: explicit.clientSecret,
    warehouse_id: explicit.warehouseId,
  });
  fill(merged, {
    host: env.DATABRICKS_HOST,
    token: env.DATABRICKS_TOKEN,
    client_id: env.DATABRICKS_CLIENT_ID,
    client_secret: env.DATABRICKS_CLIENT_SECRET,
    warehouse_id: env.DATABRICKS_WAREHOUSE_ID,
    auth_type: env.DATABRICKS_AUTH_TYPE,
  });

  const requestedProfile = nonEmpty(explicit.profile) ?? nonEmpty(env.DATABRICKS_CONFIG_PROFILE);
  const configFile = nonEmpty(env.DATABRICKS_CONFIG_FILE) ?? path.join(options.homeDir ?? os.homedir(), '.databrickscfg');
  let profile: string | undefined;
  let readFile: string | undefined;
  if (requestedProfile !== undefined || !isComplete(merged)) {
    const loaded = loadProfile(configFile, requestedProfile);
    if (loaded) {
      fill(merged, loaded.keys);
      profile = loaded.name;
      readFile = configFile;
    }
  }
  return finish(merged, explicit.caCert, profile, readFile);
}

function finish(merged: Settings, caCert: string | undefined, profile: string | undefined, configFile: string | undefined): WorkspaceConfig {
  const where = profile ? ` (after reading profile [${profile}] of ${configFile})` : '';
  if (!merged.host) {
    throw new ToolError('No Databricks workspace is configured', `DATABRICKS_HOST is not set${where}`, SETUP_HINT, 'WORKSPACE_NOT_CONFIGURED');
  }
  const host = normaliseHost(merged.host);
  const authType = chooseAuthType(merged, where);
  const config: WorkspaceConfig = { host, authType };
  if (authType === 'pat') config.token = merged.token;
  else {
    config.clientId = merged.client_id;
    config.clientSecret = merged.client_secret;
  }
  if (merged.warehouse_id) config.warehouseId = merged.warehouse_id;
  if (caCert) config.caCert = caCert;
  if (profile) config.profile = profile;
  if (configFile) config.configFile = configFile;
  return config;
}

function chooseAuthType(merged: Settings, where: string): AuthType {
  const forced = merged.auth_type?.trim().toLowerCase();
  const hasPat = Boolean(merged.token);
  const hasM2m = Boolean(merged.client_id && merged.client_secret);
  if (forced !== undefined && forced !== '') {
    if (forced !== 'pat' && forced !== 'oauth-m2m') {
      throw new ToolError(
        `DATABRICKS_AUTH_TYPE "${forced}" is not supported`,
        'this server authenticates with a personal access token (pat) or OAuth M2M (oauth-m2m)',
        'Set DATABRICKS_AUTH_TYPE to pat or oauth-m2m, or unset it',
        'WORKSPACE_NOT_CONFIGURED',
      );
    }
    if (forced === 'pat' && !hasPat) {
      throw new ToolError('DATABRICKS_AUTH_TYPE is pat but no token is set', `DATABRICKS_TOKEN is missing${where}`, SETUP_HINT, 'WORKSPACE_NOT_CONFIGURED');
    }
    if (forced === 'oauth-m2m' && !hasM2m) {
      throw new ToolError(
        'DATABRICKS_AUTH_TYPE is oauth-m2m but the client credentials are incomplete',
        `DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET must both be set${where}`,
        SETUP_HINT,
        'WORKSPACE_NOT_CONFIGURED',
      );
    }
    return forced;
  }
  // The SDKs try a personal access token before OAuth M2M.
  if (hasPat) return 'pat';
  if (hasM2m) return 'oauth-m2m';
  const missing = merged.client_id ? 'DATABRICKS_CLIENT_SECRET is missing for OAuth M2M' : merged.client_secret ? 'DATABRICKS_CLIENT_ID is missing for OAuth M2M' : 'neither DATABRICKS_TOKEN nor DATABRICKS_CLIENT_ID/DATABRICKS_CLIENT_SECRET is set';
  throw new ToolError(`No credentials for the Databricks workspace ${normaliseHost(merged.host ?? '')}`, `${missing}${where}`, SETUP_HINT, 'WORKSPACE_NOT_CONFIGURED');
}

function isComplete(merged: Settings): boolean {
  return Boolean(merged.host && (merged.token || (merged.client_id && merged.client_secret)));
}

/** `host` as the SDKs accept it: scheme optional, path and trailing slash dropped. */
export function normaliseHost(raw: string): string {
  const trimmed = raw.trim().replace(/\/+$/, '');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ToolError(`DATABRICKS_HOST "${withoutCredentials(raw)}" is not a valid host`, 'it does not parse as a URL', 'Set it to the workspace URL, e.g. https://dbc-1234.cloud.databricks.com', 'WORKSPACE_NOT_CONFIGURED');
  }
  if (url.protocol !== 'https:') {
    throw new ToolError(`DATABRICKS_HOST "${withoutCredentials(raw)}" does not use https`, 'Databricks workspaces are only reachable over HTTPS and a token must never travel in clear text', 'Use the https:// workspace URL', 'WORKSPACE_NOT_CONFIGURED');
  }
  return `https://${url.host}`;
}

/**
 * A host as it may be shown: anything before an "@" in its authority is credentials (`https://user:pw@host`)
 * and never printed, whether or not the rest parses.
 */
function withoutCredentials(raw: string): string {
  return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/]*@/i, (_match, scheme: string | undefined) => `${scheme ?? ''}[credentials removed]@`);
}

interface LoadedProfile {
  name: string;
  keys: Settings;
}

function loadProfile(file: string, requested: string | undefined): LoadedProfile | undefined {
  let text: string;
  try {
    // A FIFO or device here would block the read (and the server) forever: only a regular file is read.
    if (!statSync(file).isFile()) throw Object.assign(new Error('it is not a regular file'), { code: 'ENOTREG' });
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (requested === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ToolError(
      `Cannot read the Databricks config file ${file}`,
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? `it does not exist, yet profile "${requested}" was requested` : String((error as Error).message),
      'Create the profile with `databricks configure`, point DATABRICKS_CONFIG_FILE at the right file, or unset DATABRICKS_CONFIG_PROFILE',
      'WORKSPACE_NOT_CONFIGURED',
    );
  }
  const parsed = ini.parse(text) as Record<string, unknown>;
  const settings = section(parsed, '__settings__');
  const name = requested ?? nonEmpty(asString(settings?.default_profile)) ?? 'DEFAULT';
  const keys = section(parsed, name);
  if (!keys) {
    if (requested === undefined) return undefined;
    const known = Object.keys(parsed).filter((k) => k !== '__settings__');
    throw new ToolError(
      `Profile "${name}" is not in ${file}`,
      known.length ? `the file has the profiles ${known.join(', ')}` : 'the file has no profiles',
      'Set DATABRICKS_CONFIG_PROFILE to one of them, or add the profile with `databricks configure --profile <name>`',
      'WORKSPACE_NOT_CONFIGURED',
    );
  }
  return {
    name,
    keys: {
      host: asString(keys.host),
      token: asString(keys.token),
      client_id: asString(keys.client_id),
      client_secret: asString(keys.client_secret),
      warehouse_id: asString(keys.warehouse_id),
      auth_type: asString(keys.auth_type),
    },
  };
}

/** A section by name; `ini` nests dotted section names, so walk them when the flat key is absent. */
function section(parsed: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  const flat = parsed[name];
  if (flat && typeof flat === 'object') return flat as Record<string, unknown>;
  let node: unknown = parsed;
  for (const part of name.split('.')) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node && typeof node === 'object' ? (node as Record<string, unknown>) : undefined;
}

function fill(target: Settings, source: Settings): void {
  for (const [key, value] of Object.entries(source) as Array<[keyof Settings, string | undefined]>) {
    const v = nonEmpty(value);
    if (target[key] === undefined && v !== undefined) target[key] = v;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
