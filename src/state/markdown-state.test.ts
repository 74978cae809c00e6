import { describe, expect, it } from 'vitest';
import { findYamlBlocks, mergeBlocks } from './markdown-state.js';
import { parseYaml } from './bounded-yaml.js';

const merge = (text: string) => mergeBlocks(findYamlBlocks(text).map((b) => ({ heading: b.heading, value: parseYaml(b.content) as Record<string, unknown> })));

describe('Markdown state blocks', () => {
  it('merges blocks with top-level keys and nests bare keys under a heading that names a state key', () => {
    const text = [
      '# State',
      '```yaml',
      'llm_role_endpoints:',
      '  agent_chat: {endpoint: a}',
      '```',
      '## `endpoint_guardrail_audit`',
      '```yml',
      'a: {short_chat_ok: true}',
      '```',
      '## Foundation.f4_gateway',
      '```yaml',
      'endpoint_name: gw',
      '```',
      '## Notes',
      '```yaml',
      'otel_table_prefix: agent_otel',
      '```',
    ].join('\n');
    expect(merge(text)).toEqual({
      llm_role_endpoints: { agent_chat: { endpoint: 'a' } },
      endpoint_guardrail_audit: { a: { short_chat_ok: true } },
      Foundation: { f4_gateway: { endpoint_name: 'gw' } },
      otel_table_prefix: 'agent_otel',
    });
  });

  it('ignores other fenced blocks, and # lines inside fences are not headings', () => {
    const text = ['## llm_role_endpoints', '```bash', '# not a heading', 'echo hi', '```', '```yaml', 'llm_role_endpoints: {x: {endpoint: b}}', '```'].join('\n');
    const blocks = findYamlBlocks(text);
    expect(blocks).toHaveLength(1);
    expect(merge(text)).toEqual({ llm_role_endpoints: { x: { endpoint: 'b' } } });
  });

  it('records offsets and the first content line of each block, so writers can replace a block in place', () => {
    const text = 'intro\n\n```yaml\na: 1\n```\ntail\n';
    const [block] = findYamlBlocks(text);
    expect(block?.contentStartLine).toBe(4);
    expect(text.slice(block?.contentStart, block?.contentEnd)).toBe('a: 1\n');
    expect(text.slice(block?.start, block?.end)).toBe('```yaml\na: 1\n```\n');
  });

  it('deep-merges a key split over several blocks, ignoring prototype keys', () => {
    const text = '```yaml\nFoundation: {f2_otel: {otel_table_prefix: x}}\n```\n```yaml\nFoundation: {f4_gateway: {endpoint_name: y}}\n__proto__: {polluted: true}\n```\n';
    const merged = merge(text);
    expect(merged).toEqual({ Foundation: { f2_otel: { otel_table_prefix: 'x' }, f4_gateway: { endpoint_name: 'y' } } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
