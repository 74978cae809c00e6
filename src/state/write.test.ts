import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordF4Gateway, setYamlKey } from './write.js';

const record = { endpoint_name: 'gw-1', inference_table_prefix: 'gw', payload_table: 'c.s.gw_payload', served_entities: ['a', 'b'], updated_at: '2026-11-27T00:00:00.000Z' };

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
    expect(await recordF4Gateway(file, record)).toMatchObject({ format: 'yaml', changed: true });
    const after = readFileSync(file, 'utf8');
    expect(after.startsWith(before)).toBe(true);
    expect(after).toContain('  f4_gateway:\n    endpoint_name: gw-1\n');
    expect(await recordF4Gateway(file, record)).toMatchObject({ changed: false });
  });

  it('edits the Markdown block in place, or appends a section, every other byte unchanged', async () => {
    const head = '# State\n\nProse with ```yaml in text.\n\n## llm_role_endpoints\n\n```yaml\nagent_chat:\n  endpoint: e1\n```\n\nTrailing prose.\n';
    const file = tempFile('.vibecoding-state.md', head);
    await recordF4Gateway(file, record);
    const appended = readFileSync(file, 'utf8');
    expect(appended.startsWith(head)).toBe(true);
    expect(appended.slice(head.length)).toMatch(/^\n## Foundation\.f4_gateway\n\n```yaml\nendpoint_name: gw-1\n/);
    await recordF4Gateway(file, { ...record, endpoint_name: 'gw-2' });
    const edited = readFileSync(file, 'utf8');
    expect(edited).toBe(appended.replace('endpoint_name: gw-1', 'endpoint_name: gw-2'));
  });

  it('edits a Foundation block that already holds the key', async () => {
    const text = 'Intro\n\n```yaml\nFoundation:\n  f4_gateway:\n    endpoint_name: old\n  f2: 1\n```\nTail\n';
    const file = tempFile('s.md', text);
    await recordF4Gateway(file, record);
    const out = readFileSync(file, 'utf8');
    expect(out.startsWith('Intro\n\n```yaml\nFoundation:\n  f4_gateway:\n    endpoint_name: gw-1\n')).toBe(true);
    expect(out.endsWith('  f2: 1\n```\nTail\n')).toBe(true);
  });

  it('never overwrites a file it cannot parse', async () => {
    const text = 'a: [1, 2\nb: }\n';
    const file = tempFile('state.yaml', text);
    await expect(recordF4Gateway(file, record)).rejects.toThrow(/cannot be parsed/);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('serialises concurrent writers so the file stays parseable with the last value', async () => {
    const file = tempFile('state.yaml', 'x: 1\n');
    await Promise.all([1, 2, 3, 4].map((n) => recordF4Gateway(file, { ...record, endpoint_name: `gw-${n}` })));
    const out = readFileSync(file, 'utf8');
    expect(out.match(/f4_gateway:/g)).toHaveLength(1);
    expect(out).toMatch(/^x: 1\nFoundation:\n  f4_gateway:\n    endpoint_name: gw-[1-4]\n/);
  });
});
