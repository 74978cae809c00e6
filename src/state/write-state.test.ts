import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import { Runtime } from '../runtime/process-runtime.js';
import { findYamlBlocks } from './markdown-state.js';
import { loadState } from './read-state.js';
import { localStateStore } from './local-state-store.js';
import { recordF4Gateway, setStateKey, setYamlKey } from './write-state.js';
import { aliasBomb } from '../../test/support/hostile-files.js';

const record = { endpoint_name: 'gw-1', inference_table_prefix: 'gw', payload_table: 'c.s.gw_payload', served_entities: ['a', 'b'], updated_at: '2026-11-27T00:00:00.000Z' };

/** What a reader sees that merges every yaml block and ignores the headings (the workshop's Python reader does). */
function mergedIgnoringHeadings(text: string): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const block of findYamlBlocks(text)) {
    for (const [key, value] of Object.entries((load(block.content) ?? {}) as Record<string, unknown>)) {
      const existing = merged[key];
      merged[key] = existing && typeof existing === 'object' && value && typeof value === 'object' ? { ...existing, ...value } : value;
    }
  }
  return merged;
}

function tempFile(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'aigw-state-')), name);
  writeFileSync(file, text);
  return file;
}

describe('setYamlKey', () => {
  it('replaces only the target block, keeping comments and siblings byte for byte', () => {
    const text = '# top comment\nFoundation:\n  f2: {x: 1}   # keep\n  f4_gateway:\n    endpoint_name: old\n    served_entities:\n    - z\n\n  f5: yes\nother: 1\n';
    const out = setYamlKey(text, ['Foundation', 'f4_gateway'], { endpoint_name: 'new' });
    expect(out).toBe('# top comment\nFoundation:\n  f2: {x: 1}   # keep\n  f4_gateway:\n    endpoint_name: new\n\n  f5: yes\nother: 1\n');
  });

  it('adds the parent and the key when absent', () => {
    expect(setYamlKey('a: 1\n', ['Foundation', 'f4_gateway'], { x: 1 })).toBe('a: 1\nFoundation:\n  f4_gateway:\n    x: 1\n');
    expect(setYamlKey('Foundation:\n    f2: 1\nb: 2\n', ['Foundation', 'f4_gateway'], { x: 1 })).toBe('Foundation:\n    f2: 1\n    f4_gateway:\n      x: 1\nb: 2\n');
  });
});

describe('recordF4Gateway', () => {
  it('updates a YAML state file and leaves the rest intact', async () => {
    const before = 'llm_role_endpoints:\n  agent_chat:\n    endpoint: e1  # bound\nFoundation:\n  f2_tracing:\n    otel_table_prefix: agent_\n';
    const file = tempFile('state.yaml', before);
    expect(await recordF4Gateway(localStateStore(file), record)).toMatchObject({ format: 'yaml', changed: true });
    const after = readFileSync(file, 'utf8');
    expect(after.startsWith(before)).toBe(true);
    expect(after).toContain('  f4_gateway:\n    endpoint_name: gw-1\n');
    expect(await recordF4Gateway(localStateStore(file), record)).toMatchObject({ changed: false });
  });

  it('appends a Markdown section whose block nests the record under Foundation, then edits it in place', async () => {
    const head = '# State\n\nProse with ```yaml in text.\n\n## llm_role_endpoints\n\n```yaml\nagent_chat:\n  endpoint: e1\n```\n\nTrailing prose.\n';
    const file = tempFile('.vibecoding-state.md', head);
    await recordF4Gateway(localStateStore(file), record);
    const appended = readFileSync(file, 'utf8');
    expect(appended.startsWith(head)).toBe(true);
    expect(appended.slice(head.length)).toMatch(/^\n## Foundation\.f4_gateway\n\n```yaml\nFoundation:\n  f4_gateway:\n    endpoint_name: gw-1\n/);
    expect(mergedIgnoringHeadings(appended)).toMatchObject({ Foundation: { f4_gateway: { inference_table_prefix: 'gw' } } });
    expect(mergedIgnoringHeadings(appended)).not.toHaveProperty('inference_table_prefix');
    await recordF4Gateway(localStateStore(file), { ...record, endpoint_name: 'gw-2' });
    const edited = readFileSync(file, 'utf8');
    expect(edited).toBe(appended.replace('endpoint_name: gw-1', 'endpoint_name: gw-2'));
  });

  it('rewrites a record written the old way (bare keys under its heading) nested, prose byte for byte', async () => {
    const prose = '# State\n\nIntro.\n\n## Foundation.f4_gateway\n\nWritten by F4.\n\n';
    const old = `${prose}\`\`\`yaml\nendpoint_name: gw-0\ninference_table_prefix: old\n\`\`\`\n\nTail.\n`;
    const file = tempFile('.vibecoding-state.md', old);
    await expect(loadState(new Runtime({ cwd: path.dirname(file) }), file)).resolves.toMatchObject({ data: { Foundation: { f4_gateway: { inference_table_prefix: 'old' } } } });
    await recordF4Gateway(localStateStore(file), record);
    const out = readFileSync(file, 'utf8');
    expect(out.startsWith(`${prose}\`\`\`yaml\nFoundation:\n  f4_gateway:\n    endpoint_name: gw-1\n`)).toBe(true);
    expect(out.endsWith('\n```\n\nTail.\n')).toBe(true);
    expect(out.match(/```/g)).toHaveLength(2);
    expect(mergedIgnoringHeadings(out)).toEqual({ Foundation: { f4_gateway: record } });
  });

  it('nests the other bare keys of an old `## Foundation` block with the record, keeping their comments', async () => {
    const old = '## Foundation\n\n```yaml\nf2_otel:   # from F2\n  otel_table_prefix: agent_otel\n```\n';
    const file = tempFile('state.md', old);
    await recordF4Gateway(localStateStore(file), record);
    const out = readFileSync(file, 'utf8');
    expect(out.startsWith('## Foundation\n\n```yaml\nFoundation:\n  f2_otel:   # from F2\n    otel_table_prefix: agent_otel\n  f4_gateway:\n')).toBe(true);
    expect(mergedIgnoringHeadings(out)).toEqual({ Foundation: { f2_otel: { otel_table_prefix: 'agent_otel' }, f4_gateway: record } });
  });

  it('edits a Foundation block that already holds the key', async () => {
    const text = 'Intro\n\n```yaml\nFoundation:\n  f4_gateway:\n    endpoint_name: old\n  f2: 1\n```\nTail\n';
    const file = tempFile('s.md', text);
    await recordF4Gateway(localStateStore(file), record);
    const out = readFileSync(file, 'utf8');
    expect(out.startsWith('Intro\n\n```yaml\nFoundation:\n  f4_gateway:\n    endpoint_name: gw-1\n')).toBe(true);
    expect(out.endsWith('  f2: 1\n```\nTail\n')).toBe(true);
  });

  it('never overwrites a file it cannot parse', async () => {
    const text = 'a: [1, 2\nb: }\n';
    const file = tempFile('state.yaml', text);
    await expect(recordF4Gateway(localStateStore(file), record)).rejects.toThrow(/cannot be parsed/);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('refuses a file whose aliases expand past the budget, as the reader does, without walking them', async () => {
    const text = `Foundation:\n  f4_gateway:\n${aliasBomb(32, '    ')}`;
    const file = tempFile('state.yaml', text);
    await expect(recordF4Gateway(localStateStore(file), record)).rejects.toMatchObject({ code: 'STATE_FILE_TOO_MANY_VALUES' });
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('loses no write when writers of different keys run at once', async () => {
    const file = tempFile('state.yaml', 'x: 1\n');
    const keys = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6'];
    await Promise.all(keys.map((key) => setStateKey(localStateStore(file), ['Foundation', key], { done: key })));
    expect(load(readFileSync(file, 'utf8'))).toEqual({ x: 1, Foundation: Object.fromEntries(keys.map((key) => [key, { done: key }])) });
  });

  it('serialises concurrent writers so the file stays parseable with the last value', async () => {
    const file = tempFile('state.yaml', 'x: 1\n');
    await Promise.all([1, 2, 3, 4].map((n) => recordF4Gateway(localStateStore(file), { ...record, endpoint_name: `gw-${n}` })));
    const out = readFileSync(file, 'utf8');
    expect(out.match(/f4_gateway:/g)).toHaveLength(1);
    expect(out).toMatch(/^x: 1\nFoundation:\n  f4_gateway:\n    endpoint_name: gw-[1-4]\n/);
  });
});
