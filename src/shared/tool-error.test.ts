import { describe, expect, it } from 'vitest';
import { scrubSecrets, ToolError } from './tool-error.js';

describe('ToolError', () => {
  it('says what happened, why and the next step, and keeps each part and its code', () => {
    const error = new ToolError('Cannot read the state file ./s.yaml', 'it does not exist', 'Pass state_file', 'FILE_UNREADABLE');
    expect(error.message).toBe('Cannot read the state file ./s.yaml: it does not exist. Pass state_file');
    expect(error).toMatchObject({ name: 'ToolError', what: 'Cannot read the state file ./s.yaml', why: 'it does not exist', next: 'Pass state_file', code: 'FILE_UNREADABLE' });
    expect(error).toBeInstanceOf(Error);
  });
});

describe('scrubSecrets', () => {
  // Token-shaped text a library may echo back, which no caller listed as a known secret.
  const tokens: Array<[string, string]> = [
    ['a Databricks personal access token', `dapi${'0123456789abcdef'.repeat(2)}`],
    ['a Databricks token with its workspace suffix', `dapi${'0123456789ABCDEF'.repeat(2)}-3`],
    ['a Databricks OAuth secret', `dose${'fedcba9876543210'.repeat(2)}`],
    ['a bearer header value', 'Bearer abc.DEF-123_xyz~+/='],
    ['a basic header value', 'Basic dXNlcjpwYXNzd29yZA=='],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzcC0xIn0.c2lnbmF0dXJlLXZhbHVl'],
    ['an OpenAI-style key', 'sk-proj_ABCDEFGHijklmnop1234'],
  ];

  it.each(tokens)('removes %s found in the text', (_kind, token) => {
    const out = scrubSecrets(`the call failed: got ${token} back`);
    expect(out).toBe('the call failed: got [REDACTED] back');
  });

  it('removes every occurrence, not only the first', () => {
    const token = `dapi${'a'.repeat(32)}`;
    expect(scrubSecrets(`${token} and ${token}`)).toBe('[REDACTED] and [REDACTED]');
  });

  it('leaves text that only looks close to a token', () => {
    const text = `dapi${'0'.repeat(31)} sk-short Bearer short eyJhbGciOi.only-two-parts id 20261127 Bearers of news`;
    expect(scrubSecrets(text)).toBe(text);
  });

  it('removes each known secret of six characters or more, wherever it appears, and ignores shorter ones', () => {
    expect(scrubSecrets('pw=hunter2; again hunter2; id=abc', ['hunter2', 'abc'])).toBe('pw=[REDACTED]; again [REDACTED]; id=abc');
    expect(scrubSecrets('client secret s3cr3t', ['s3cr3t'])).toBe('client secret [REDACTED]');
  });
});
