/**
 * The Apps bodies the contract check compares with the SDK (apps.contract.ts) are the ones the project deploys:
 * the bundle (databricks.yml) declares exactly these resources, which deploy/app/app.yaml reads by name, and grants
 * these permissions (a bundle writes `level` where the Apps API takes `permission_level`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/mcp.js';
import { APP_PERMISSIONS, APP_RESOURCES } from './apps.contract.js';

interface BundleApp {
  resources: Array<Record<string, unknown> & { name: string }>;
  permissions: Array<{ group_name?: string; level: string }>;
}

const bundle = load(readFileSync(path.join(REPO, 'databricks.yml'), 'utf8')) as { resources: { apps: Record<string, BundleApp> } };
const [app] = Object.values(bundle.resources.apps);

describe('the Apps bodies under contract', () => {
  it('are the resources the bundle declares and app.yaml reads', () => {
    const appYaml = load(readFileSync(path.join(REPO, 'deploy', 'app', 'app.yaml'), 'utf8')) as { env: Array<{ valueFrom?: string }> };
    const names = APP_RESOURCES.map((r) => r.name).sort();
    expect(appYaml.env.flatMap((e) => (e.valueFrom ? [e.valueFrom] : [])).sort()).toEqual(names);
    expect(app!.resources.map((r) => r.name).sort()).toEqual(names);
    for (const resource of APP_RESOURCES) {
      const declared = app!.resources.find((r) => r.name === resource.name)!;
      const kind = Object.keys(resource).find((k) => k !== 'name')!;
      expect(Object.keys(declared[kind] as object).sort(), resource.name).toEqual(Object.keys((resource as Record<string, object>)[kind]!).sort());
    }
  });

  it('are the permissions the bundle grants', () => {
    const sent = app!.permissions.map((p) => ({ group_name: p.group_name, permission_level: p.level }));
    expect(sent.map((p) => p.permission_level)).toEqual(APP_PERMISSIONS.access_control_list.map((p) => p.permission_level));
    expect(sent.every((p) => typeof p.group_name === 'string')).toBe(true);
  });
});
