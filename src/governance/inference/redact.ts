/**
 * Redaction of inference payloads before they reach an agent. Payloads hold user prompts and model answers,
 * so personal data and credentials in them are replaced by `[REDACTED:<kind>]` by default. Patterns are
 * deliberately broad: a false positive costs a few characters, a miss leaks a secret into a chat log.
 */

export type RedactionKind = 'email' | 'phone' | 'card' | 'databricks_token' | 'openai_key' | 'bearer' | 'api_key';

interface Rule {
  kind: RedactionKind;
  pattern: RegExp;
  /** Extra check on a match (e.g. Luhn for card numbers). */
  accept?: (match: string) => boolean;
  /** Keep a prefix of the match (e.g. the word "Bearer"). */
  keep?: (match: string) => string;
}

// Order matters: credentials first, so a token is not half-eaten by the phone or card rules.
const RULES: Rule[] = [
  { kind: 'bearer', pattern: /\b([Bb]earer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, keep: (m) => `${m.split(/\s+/)[0]} ` },
  { kind: 'databricks_token', pattern: /\bdapi[0-9a-f]{32}(-\d+)?\b/gi },
  { kind: 'databricks_token', pattern: /\bdose[0-9a-f]{32}\b/gi },
  { kind: 'openai_key', pattern: /\bsk-(proj-|ant-|live-|test-)?[A-Za-z0-9_-]{16,}/g },
  {
    kind: 'api_key',
    pattern:
      /\b(AKIA[0-9A-Z]{16}|ASIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}|glpat-[A-Za-z0-9_-]{20,}|(rk|pk)_(live|test)_[A-Za-z0-9]{16,}|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})/g,
  },
  // key=value / "api_key": "..." shapes with a long opaque value.
  {
    kind: 'api_key',
    pattern: /\b(api[_-]?key|apikey|secret|access[_-]?token|auth[_-]?token|password|passwd|client[_-]?secret)(\\?["']?\s*[:=]\s*\\?["']?)[A-Za-z0-9._~+/=-]{8,}/gi,
    keep: (m) => {
      const value = /[A-Za-z0-9._~+/=-]{8,}$/.exec(m);
      return value ? m.slice(0, m.length - value[0].length) : '';
    },
  },
  { kind: 'email', pattern: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g },
  { kind: 'card', pattern: /\b\d(?:[ -]?\d){12,18}\b/g, accept: (m) => luhn(m.replace(/\D/g, '')) },
  {
    kind: 'phone',
    // Not part of a longer digit group (a card number failing its checksum is not a phone number).
    pattern: /(?<![\w+]|\d[\s.-])(\+\d{1,3}[\s.-]?)?(\(\d{2,4}\)[\s.-]?|\d{2,4}[\s.-])\d{3,4}[\s.-]?\d{3,4}\b(?![\s.-]\d)/g,
    accept: (m) => m.replace(/\D/g, '').length >= 9,
  },
];

export interface Redacted {
  text: string;
  counts: Partial<Record<RedactionKind, number>>;
}

export function redact(text: string): Redacted {
  const counts: Partial<Record<RedactionKind, number>> = {};
  let out = text;
  for (const rule of RULES) {
    out = out.replace(rule.pattern, (match) => {
      if (rule.accept && !rule.accept(match)) return match;
      counts[rule.kind] = (counts[rule.kind] ?? 0) + 1;
      return `${rule.keep ? rule.keep(match) : ''}[REDACTED:${rule.kind}]`;
    });
  }
  return { text: out, counts };
}

export function addCounts(into: Partial<Record<RedactionKind, number>>, from: Partial<Record<RedactionKind, number>>): void {
  for (const [kind, n] of Object.entries(from) as Array<[RedactionKind, number]>) into[kind] = (into[kind] ?? 0) + n;
}

function luhn(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
