/**
 * The Apps bodies the contract check compares with the SDK (apps.contract.ts) are the ones the project tells users
 * to send: app.yaml reads exactly these resources, and the README's update-permissions command sends this body.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/mcp.js';
import { APP_PERMISSIONS, APP_RESOURCES } from './apps.contract.js';

describe('the Apps bodies under contract', () => {
  it('are the resources app.yaml reads', () => {
    const app = load(readFileSync(path.join(REPO, 'app.yaml'), 'utf8')) as { env: Array<{ valueFrom?: string }> };
    expect(app.env.flatMap((e) => (e.valueFrom ? [e.valueFrom] : [])).sort()).toEqual(APP_RESOURCES.map((r) => r.name).sort());
  });

  it('are the permissions the README sends', () => {
    const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const sent = /apps update-permissions [\s\S]*?--json '([^']+)'/.exec(readme)?.[1];
    expect(sent, 'the README shows `databricks apps update-permissions … --json`').toBeDefined();
    expect(JSON.parse(sent!)).toEqual(APP_PERMISSIONS);
  });
});
