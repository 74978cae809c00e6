/**
 * The Databricks App as a bundle (databricks.yml at the root, the app's folder deploy/app): it parses, declares
 * the app, its SQL warehouse and plan-secret resources (the keys app.yaml reads), dev and prod targets, and the
 * build that fills deploy/app/server; the app's folder installs nothing; and the user authorization scopes
 * cover every REST API the product calls with the caller's token, derived from the `*.api.ts` clients.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { REPO } from './support/mcp.js';

const read = (file: string) => readFileSync(path.join(REPO, file), 'utf8');
const bundle = load(read('databricks.yml')) as Record<string, any>;
const apps = bundle.resources.apps as Record<string, any>;
const [appKey, app] = Object.entries(apps)[0]!;

/**
 * Which user authorization scope each REST API needs, by path prefix. Sources: the REST API reference names the
 * scope of each operation ("API scope: serving.serving-endpoints" on serving-endpoints/list); public evidence of
 * 2026-03 (an app's deploy notes) lists `files.files` for workspace files, `sql` for SQL warehouses and the
 * `catalog.*:read` scopes; Alerts v2 belongs to the SQL API group. Unverified against a real workspace: see the
 * README's scope table.
 */
const SCOPE_OF: Array<[prefix: string, scope: string]> = [
  ['/api/2.0/serving-endpoints', 'serving.serving-endpoints'],
  ['/api/2.0/workspace/', 'files.files'],
  ['/api/2.0/fs/', 'files.files'],
  ['/api/2.0/alerts', 'sql'],
  ['/api/2.0/sql/warehouses', 'sql'],
  ['/api/2.1/unity-catalog/schemas', 'catalog.schemas:read'],
];

/** APIs every app's user token may call without asking: `iam.current-user:read` is granted by default (public app notes, 2026). */
const GRANTED_BY_DEFAULT = ['/api/2.0/preview/scim/v2/Me'];

/**
 * APIs no workspace-level user scope is known to cover (public evidence: Unity Catalog writes, registered models,
 * services and connections need `unity-catalog` or `all-apis`, which an app cannot request per workspace; secrets
 * likewise). With user authorization these calls are refused by the workspace, naming the scope; the README says
 * so and what to do.
 */
const NO_USER_SCOPE = [
  '/api/2.1/unity-catalog/permissions',
  '/api/2.1/unity-catalog/models',
  '/api/2.1/unity-catalog/model-services',
  '/api/2.1/unity-catalog/connections',
  // model services and MCP services by kind (ai-gateway-services.api.ts)
  '/api/2.1/unity-catalog/{…}',
  '/api/2.0/secrets/',
  '/api/2.0/preview/scim/v2/ServicePrincipals',
];

/** Every REST path the product's clients call, from their source: `path: '…'` and `path: \`…\`` literals. */
function productApiPaths(): string[] {
  const dir = path.join(REPO, 'src', 'databricks');
  const paths = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.api.ts'))) {
    const text = readFileSync(path.join(dir, file), 'utf8');
    for (const match of text.matchAll(/path: (?:'([^']+)'|`([^`]+)`|filesPath\()/g)) {
      const literal = match[1] ?? match[2] ?? '/api/2.0/fs/files';
      paths.add(literal.replace(/\$\{[^}]*\}/g, '{…}'));
    }
  }
  return [...paths].sort();
}

describe('databricks.yml', () => {
  it('declares one app, named, with its folder, resources, dev and prod targets, and the build of its server', () => {
    expect(bundle.bundle.name).toBe('ai-gateway-mcp');
    expect(Object.keys(apps)).toEqual([appKey]);
    expect(app.name).toMatch(/^mcp-[a-z0-9-]+$/);
    expect(existsSync(path.join(REPO, app.source_code_path, 'app.yaml'))).toBe(true);
    const byName = Object.fromEntries((app.resources as Array<Record<string, any>>).map((r) => [r.name, r]));
    expect(byName['sql-warehouse']?.sql_warehouse).toEqual({ id: '${var.warehouse_id}', permission: 'CAN_USE' });
    expect(byName['plan-secret']?.secret).toMatchObject({ key: 'plan-secret', permission: 'READ' });
    expect(Object.keys(bundle.targets).sort()).toEqual(['dev', 'prod']);
    expect(bundle.targets.prod.mode).toBe('production');
    expect(Object.values(bundle.artifacts as Record<string, { build: string }>).map((a) => a.build).join(' ')).toMatch(/npm run build:app/);
    expect(JSON.parse(read('package.json')).scripts['build:app']).toBe('node scripts/build-app.mjs');
    expect(bundle.sync.include).toContain('deploy/app/server/**');
  });

  it("app.yaml reads exactly the bundle's resource keys, starts the server build:app writes, and names no local state folder", () => {
    const appYaml = load(read(path.join(app.source_code_path, 'app.yaml'))) as { command: string[]; env: Array<{ name: string; value?: string; valueFrom?: string }> };
    const keys = (app.resources as Array<{ name: string }>).map((r) => r.name).sort();
    expect(appYaml.env.flatMap((e) => (e.valueFrom ? [e.valueFrom] : [])).sort()).toEqual(keys);
    expect(appYaml.command).toEqual(['node', 'server/cli.js', '--http']);
    expect(read('scripts/build-app.mjs')).toContain("path.join(REPO, 'deploy', 'app', 'server')");
    const stateFile = appYaml.env.find((e) => e.name === 'AIGW_STATE_FILE')?.value ?? '';
    expect(stateFile).toMatch(/^\/Workspace\/Users\/\{user\}\//);
  });

  it("the app's folder installs nothing: no dependencies and no build of its own", () => {
    const manifest = JSON.parse(read(path.join(app.source_code_path, 'package.json'))) as Record<string, unknown>;
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.devDependencies).toBeUndefined();
    expect(manifest.scripts).toBeUndefined();
  });

  it('its user authorization scopes cover every API the product calls with the caller token, and no other', () => {
    const declared = new Set<string>(app.user_api_scopes);
    const apis = productApiPaths();
    expect(apis.length).toBeGreaterThan(10);
    const needed = new Set<string>(['sql']); // the SQL warehouse (sql-client.ts), every SQL tool
    const unclassified: string[] = [];
    for (const api of apis) {
      const scope = SCOPE_OF.find(([prefix]) => api.startsWith(prefix))?.[1];
      if (scope) needed.add(scope);
      else if (!NO_USER_SCOPE.some((prefix) => api.startsWith(prefix)) && !GRANTED_BY_DEFAULT.includes(api)) unclassified.push(api);
    }
    expect(unclassified, 'a new API: add its scope to SCOPE_OF and databricks.yml').toEqual([]);
    expect([...needed].sort()).toEqual([...declared].sort());
    // What no scope covers is said in the README, where an operator reads which tool needs what.
    const readme = read('README.md');
    for (const scope of declared) expect(readme).toContain(`\`${scope}\``);
    expect(readme).toMatch(/no user scope covers/i);
  });
});
