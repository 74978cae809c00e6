/**
 * The api_key rules, shape by shape: every vendor key format they name and every label that marks a value as a
 * key (redact.test.ts covers one of each). Only `redact()`'s text is read, so the tests hold whatever the rule
 * table looks like inside.
 */
import { describe, expect, it } from 'vitest';
import { redact } from './redact.js';

const keys: Array<[string, string]> = [
  ['an AWS temporary key id', 'ASIAY34FZKBOKMUTVV7A'],
  ['a Google API key', `AIza${'SyA1b2C3d4E5f6G7h8I9j0K_lMnOpQrStUv'}`],
  ['a GitHub OAuth token', `gho_${'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'}`],
  ['a GitHub fine-grained token', `github_pat_${'11ABCDEFG0abcdefghijklmnopqrstuvwxyz0123'}`],
  ['a Slack token', 'xoxb-1234567890-abcdefghij'],
  ['a GitLab token', 'glpat-abcdefghij0123456789'],
  ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.SflKxwRJSMeKKF2QT4fwpMeJf36P'],
];

const labelled: Array<[string, string]> = [
  ['a YAML api_key', 'api_key: "abcd1234efgh5678"'],
  ['a JSON apiKey', '"apiKey": "abcd1234efgh5678"'],
  ['an escaped JSON api-key', '\\"api-key\\": \\"abcd1234efgh5678\\"'],
  ['an env-style SECRET', 'SECRET=abcd1234efgh5678'],
  ['a client_secret', "client_secret='abcd1234efgh5678'"],
  ['an access token', 'access_token = abcd1234efgh5678'],
  ['an auth-token', 'auth-token:abcd1234efgh5678'],
];

describe('redact: api keys', () => {
  it.each(keys)('removes %s', (_kind, key) => {
    const { text } = redact(`the user pasted ${key} into the chat`);
    expect(text).not.toContain(key);
    expect(text).toMatch(/^the user pasted .*REDACTED.* into the chat$/);
  });

  it.each(labelled)('removes the value of %s', (_kind, pair) => {
    const { text } = redact(`config: ${pair}, region eu`);
    expect(text).not.toContain('abcd1234efgh5678');
    expect(text).toMatch(/^config: .*REDACTED.*, region eu$/);
  });

  it('removes every key in the text, not only the first', () => {
    const { text } = redact('first ASIAY34FZKBOKMUTVV7A then api_key: abcd1234efgh5678 then ASIAY34FZKBOKMUTVV7B');
    expect(text).not.toMatch(/ASIA|abcd1234/);
  });

  it('leaves short values and words that merely mention a key', () => {
    const text = 'set api_key in the settings; api_key: short; AKIA is a prefix; ghp_abc; eyJhbGciOi alone';
    expect(redact(text).text).toBe(text);
  });
});
