/** Which Markdown lines are headings that name a state key: level one included, prose with a `#` not. */
import { describe, expect, it } from 'vitest';
import { findYamlBlocks, mergeBlocks } from './markdown-state.js';
import { parseYaml } from './bounded-yaml.js';

const merge = (text: string) => mergeBlocks(findYamlBlocks(text).map((b) => ({ heading: b.heading, value: parseYaml(b.content) as Record<string, unknown> })));

describe('headings above a yaml block', () => {
  it('a level-one heading names a key as a level-two one does', () => {
    expect(merge('# llm_role_endpoints\n```yaml\nagent_chat: {endpoint: a}\n```\n')).toEqual({ llm_role_endpoints: { agent_chat: { endpoint: 'a' } } });
  });

  it('a prose line holding " # " is no heading: the block keeps the heading above it', () => {
    const text = '## llm_role_endpoints\n\nSee ticket # 12 about the role.\n\n```yaml\nagent_chat: {endpoint: a}\n```\n';
    expect(findYamlBlocks(text)[0]?.heading).toBe('llm_role_endpoints');
    expect(merge(text)).toEqual({ llm_role_endpoints: { agent_chat: { endpoint: 'a' } } });
  });

  it('a key in backticks with spaces inside them still names the key', () => {
    expect(findYamlBlocks('## ` endpoint_guardrail_audit `\n```yaml\na: 1\n```\n')[0]?.heading).toBe('endpoint_guardrail_audit');
  });
});
