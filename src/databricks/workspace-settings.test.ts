import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ToolError } from '../shared/tool-error.js';
import { normaliseHost, resolveWorkspaceConfig } from './workspace-settings.js';

function cfgFile(text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aigw-cfg-'));
  const file = path.join(dir, '.databrickscfg');
  writeFileSync(file, text);
  return file;
}

const emptyHome = mkdtempSync(path.join(os.tmpdir(), 'aigw-home-'));

describe('resolveWorkspaceConfig', () => {
  it('takes a PAT from the environment and adds https://', () => {
    const c = resolveWorkspaceConfig({ env: { DATABRICKS_HOST: 'dbc-1.cloud.databricks.com/', DATABRICKS_TOKEN: 'dapi-x' }, homeDir: emptyHome });
    expect(c).toMatchObject({ host: 'https://dbc-1.cloud.databricks.com', authType: 'pat', token: 'dapi-x' });
    expect(c.profile).toBeUndefined();
  });

  it('prefers explicit settings over the environment, key by key', () => {
    const c = resolveWorkspaceConfig({
      explicit: { host: 'https://127.0.0.1:8443', token: 'explicit' },
      env: { DATABRICKS_HOST: 'https://other', DATABRICKS_TOKEN: 'env', DATABRICKS_WAREHOUSE_ID: 'wh1' },
      homeDir: emptyHome,
    });
    expect(c).toMatchObject({ host: 'https://127.0.0.1:8443', token: 'explicit', warehouseId: 'wh1' });
  });

  it('chooses OAuth M2M when only client credentials are set', () => {
    const c = resolveWorkspaceConfig({ env: { DATABRICKS_HOST: 'h.example.com', DATABRICKS_CLIENT_ID: 'id', DATABRICKS_CLIENT_SECRET: 's' }, homeDir: emptyHome });
    expect(c).toMatchObject({ authType: 'oauth-m2m', clientId: 'id', clientSecret: 's' });
    expect(c.token).toBeUndefined();
  });

  it('reads [DEFAULT] when the environment is incomplete, without overwriting what the environment set', () => {
    const file = cfgFile('[DEFAULT]\nhost = https://from-file.example.com\ntoken = file-token\nwarehouse_id = wh-file\n');
    const c = resolveWorkspaceConfig({ env: { DATABRICKS_CONFIG_FILE: file, DATABRICKS_WAREHOUSE_ID: 'wh-env' } });
    expect(c).toMatchObject({ host: 'https://from-file.example.com', token: 'file-token', warehouseId: 'wh-env', profile: 'DEFAULT' });
  });

  it('follows [__settings__] default_profile, and DATABRICKS_CONFIG_PROFILE over it', () => {
    const file = cfgFile(
      '[__settings__]\ndefault_profile = dev\n\n[DEFAULT]\nhost = https://default\ntoken = t0\n\n[dev]\nhost = https://dev.example.com\ntoken = t1\n\n[prod.sp]\nhost = prod.example.com\nclient_id = cid\nclient_secret = abc==\n',
    );
    expect(resolveWorkspaceConfig({ env: { DATABRICKS_CONFIG_FILE: file } })).toMatchObject({ host: 'https://dev.example.com', profile: 'dev' });
    expect(resolveWorkspaceConfig({ env: { DATABRICKS_CONFIG_FILE: file, DATABRICKS_CONFIG_PROFILE: 'prod.sp' } })).toMatchObject({
      host: 'https://prod.example.com',
      authType: 'oauth-m2m',
      clientSecret: 'abc==',
      profile: 'prod.sp',
    });
  });

  it('skips the file when the environment already configures auth and no profile was asked for', () => {
    const file = cfgFile('[DEFAULT]\nhost = https://file\ntoken = t\nwarehouse_id = from-file\n');
    const c = resolveWorkspaceConfig({ env: { DATABRICKS_CONFIG_FILE: file, DATABRICKS_HOST: 'https://env', DATABRICKS_TOKEN: 'e' } });
    expect(c.warehouseId).toBeUndefined();
    expect(c.profile).toBeUndefined();
  });

  it('refuses a requested profile that is missing, naming the profiles there are', () => {
    const file = cfgFile('[DEFAULT]\nhost = https://x\ntoken = t\n[dev]\nhost = https://y\ntoken = u\n');
    expect(() => resolveWorkspaceConfig({ env: { DATABRICKS_CONFIG_FILE: file, DATABRICKS_CONFIG_PROFILE: 'nope' } })).toThrow(/Profile "nope".*DEFAULT, dev/);
  });

  it('with nothing configured, names the settings and --sandbox', () => {
    let error: unknown;
    try {
      resolveWorkspaceConfig({ env: {}, homeDir: emptyHome });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ToolError);
    const message = (error as ToolError).message;
    for (const name of ['DATABRICKS_HOST', 'DATABRICKS_TOKEN', 'DATABRICKS_CLIENT_ID', 'DATABRICKS_CONFIG_PROFILE', '--sandbox']) expect(message).toContain(name);
    expect((error as ToolError).code).toBe('WORKSPACE_NOT_CONFIGURED');
  });

  it('names the missing half of the client credentials', () => {
    expect(() => resolveWorkspaceConfig({ env: { DATABRICKS_HOST: 'h', DATABRICKS_CLIENT_ID: 'id' }, homeDir: emptyHome })).toThrow(/DATABRICKS_CLIENT_SECRET is missing/);
  });

  it('honours DATABRICKS_AUTH_TYPE and refuses types it cannot serve', () => {
    const env = { DATABRICKS_HOST: 'h', DATABRICKS_TOKEN: 't', DATABRICKS_CLIENT_ID: 'i', DATABRICKS_CLIENT_SECRET: 's' };
    expect(resolveWorkspaceConfig({ env, homeDir: emptyHome }).authType).toBe('pat');
    expect(resolveWorkspaceConfig({ env: { ...env, DATABRICKS_AUTH_TYPE: 'oauth-m2m' }, homeDir: emptyHome }).authType).toBe('oauth-m2m');
    expect(() => resolveWorkspaceConfig({ env: { ...env, DATABRICKS_AUTH_TYPE: 'azure-cli' }, homeDir: emptyHome })).toThrow(/not supported/);
  });
});

describe('the profile file', () => {
  it('refuses a FIFO instead of blocking on it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'aigw-cfg-fifo-'));
    const fifo = path.join(dir, 'databrickscfg');
    execFileSync('mkfifo', [fifo]);
    expect(() => resolveWorkspaceConfig({ env: { DATABRICKS_CONFIG_FILE: fifo, DATABRICKS_CONFIG_PROFILE: 'DEFAULT' } })).toThrow(/not a regular file/);
  });
});

describe('normaliseHost', () => {
  it.each([
    ['dbc-1.cloud.databricks.com', 'https://dbc-1.cloud.databricks.com'],
    ['https://adb-1.2.azuredatabricks.net/', 'https://adb-1.2.azuredatabricks.net'],
    ['https://127.0.0.1:9443/?o=1', 'https://127.0.0.1:9443'],
  ])('%s → %s', (raw, expected) => expect(normaliseHost(raw)).toBe(expected));

  it('refuses plain http, where a token would travel in clear text', () => {
    expect(() => normaliseHost('http://example.com')).toThrow(/https/);
  });

  it('never echoes credentials written into the host, parsed or not', () => {
    for (const raw of ['https://user:s3cret-pw@bad host', 'user:s3cret-pw@bad host', 'http://user:s3cret-pw@example.com', 'https://:s3cret-pw@exa mple.com/x@y']) {
      let message = '';
      try {
        normaliseHost(raw);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/DATABRICKS_HOST "(https?:\/\/)?\[credentials removed\]@/);
      expect(message).not.toContain('s3cret-pw');
    }
  });
});
