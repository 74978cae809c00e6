/**
 * Redaction of inference payloads before they reach an agent. Payloads hold user prompts and model answers,
 * so personal data and credentials in them are replaced by `[REDACTED:<kind>]` by default. Patterns are
 * deliberately broad: a false positive costs a few characters, a miss leaks a secret into a chat log.
 *
 * Text is normalised first, so the usual disguises do not hide a secret: JSON escapes of ordinary characters
 * (`\u0040` for `@`, `\u0064api…`, at any depth of JSON-in-JSON) and `%40` are decoded, and invisible format
 * characters (zero-width spaces and joiners, bidi controls, tag characters) are removed. The text returned is
 * the normalised one: what the agent sees is what was checked.
 *
 * Every rule runs in time linear in the text: each pattern starts on a literal or a character class that a
 * match consumes, every repetition that can fail after it is bounded, and no quantifier nests over classes
 * that overlap. A hostile payload costs about what a benign one of the same length does (bench/redact.mjs).
 */

export type RedactionKind =
  | 'email'
  | 'phone'
  | 'card'
  | 'ssn'
  | 'databricks_token'
  | 'openai_key'
  | 'stripe_key'
  | 'aws_secret_key'
  | 'azure_key'
  | 'private_key'
  | 'bearer'
  | 'password'
  | 'api_key';

export type RedactionCounts = Partial<Record<RedactionKind, number>>;

export interface Redacted {
  text: string;
  counts: RedactionCounts;
}

type Span = readonly [start: number, end: number];

interface Rule {
  kind: RedactionKind;
  /** The parts of `text` to replace, in order and not overlapping. */
  find(text: string): Iterable<Span>;
}

/**
 * Spans of a pattern's matches (the `d` flag is added). When the pattern has groups named `secret…`, the span
 * is the one that took part in the match and the rest is kept: a label such as `password:` or `Bearer ` stays.
 * A match `accept` turns down is tried again one character further, so it cannot hide a match inside it.
 */
function matches(kind: RedactionKind, pattern: RegExp, accept?: (secret: string) => boolean): Rule {
  const secretGroups = [...pattern.source.matchAll(/\(\?<(secret\w*)>/g)].map((g) => g[1]!);
  // Match indices (the `d` flag) cost on every match; only patterns that name a secret group read them.
  const re = new RegExp(pattern.source, `${pattern.flags.replace('d', '')}${secretGroups.length > 0 ? 'd' : ''}`);
  return {
    kind,
    *find(text) {
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        let span: readonly [number, number] = [m.index, m.index + m[0].length];
        // The `d` flag is set whenever there is a secret group, so the indices are there.
        for (const name of secretGroups) span = m.indices!.groups![name] ?? span;
        if (span[0] === span[1] || (accept && !accept(text.slice(span[0], span[1])))) {
          re.lastIndex = m.index + 1;
          continue;
        }
        yield span;
      }
    },
  };
}

/**
 * Between a label and its value: `password: x`, `"password": "x y"`, and the same in JSON inside JSON, where
 * the quotes come escaped (`\"password\": \"x\"`, or `\\\"` one level deeper).
 */
const LABEL_SEPARATOR = String.raw`\\{0,8}["']?\s{0,4}[:=]\s{0,4}`;
const OPENING_QUOTE = String.raw`\\{0,8}["']`;
/** A quoted value (to its closing quote) or a bare one (to a space or delimiter). */
const QUOTED_OR_BARE = String.raw`(?:${OPENING_QUOTE}(?<secretQuoted>[^"'\\\r\n]{1,256})|(?<secret>[^\s"'\\,;&}\]]{1,256}))`;

/** 40 base64 characters standing alone: the shape of an AWS secret access key. */
const AWS_SECRET_SHAPE = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
/** An AWS access key id: a public identifier, but it locates the secret key next to it. */
const AWS_KEY_ID = /(?:AKIA|ASIA)[0-9A-Z]{16}/;
/** How far from an access key id a standalone secret key is looked for, either side. */
const AWS_PAIR_REACH = 256;

/**
 * A 40-character base64 word within reach of an access key id. Mixed case is required, so a git commit hash
 * (40 lowercase hex digits) next to an id survives.
 */
const awsSecretNearKeyId: Rule = {
  kind: 'aws_secret_key',
  *find(text) {
    for (const m of text.matchAll(AWS_SECRET_SHAPE)) {
      if (!/[A-Z]/.test(m[0]) || !/[a-z]/.test(m[0]) || !/[0-9/+]/.test(m[0])) continue;
      const around = text.slice(Math.max(0, m.index - AWS_PAIR_REACH - 20), m.index + 40 + AWS_PAIR_REACH + 20);
      if (AWS_KEY_ID.test(around)) yield [m.index, m.index + 40];
    }
  },
};

/**
 * E-mail addresses, found from each `@` outward rather than by a pattern tried at every character: the
 * engine jumps from `@` to `@`, reads the local part backwards (at most 64 characters, its RFC 5321 limit)
 * and the domain forwards, so a long run of `.a.a…` costs one pass instead of one pass per starting point.
 */
const EMAIL = /@(?<=(?<local>[A-Za-z0-9_%+-][A-Za-z0-9._%+-]{0,63})@)[A-Za-z0-9][A-Za-z0-9-]{0,62}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/dg;

const email: Rule = {
  kind: 'email',
  *find(text) {
    let previousEnd = 0;
    for (const m of text.matchAll(EMAIL)) {
      // The local part read backwards may reach into the address before it ("a@b.com.c@d.com").
      let start = Math.max(m.indices!.groups!.local![0], previousEnd);
      while (text[start] === '.') start++;
      previousEnd = m.index + m[0].length;
      if (start < m.index) yield [start, previousEnd];
    }
  },
};

/**
 * Payment card numbers: 14 to 19 digits that pass the Luhn check and start like a card network's numbers (2 to
 * 6), unbroken or in the printed layouts (4-4-4-4; Amex and Diners 4-6-5, 4-6-4) with one kind of separator.
 * Epoch timestamps (they start with 1) and the digit groups of UUIDs (after a dash) are not cards.
 */
const CARD =
  /(?<![\w.+-])(?:[2-6]\d{13,18}|[2-6]\d{3}(?<separator>[ -])\d{4}\k<separator>\d{4}\k<separator>\d{4}|[2-6]\d{3}(?<amex>[ -])\d{6}\k<amex>\d{4,5})(?![\w-])/g;

/**
 * An e-mail address spelt out to dodge filters: `name at example dot com`, `name [at] example (dot) co (dot) uk`.
 * Each part is a bounded run of one class and the words between are literals, so a start costs a bounded amount.
 */
const SPELT_EMAIL =
  /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}\s{1,3}(?:at|\[at\]|\(at\))\s{1,3}[A-Za-z0-9][A-Za-z0-9-]{0,62}(?:\s{1,3}(?:dot|\[dot\]|\(dot\))\s{1,3}[A-Za-z0-9-]{1,63}){1,4}(?![\w-])/gi;

/**
 * US Social Security numbers in their printed form 3-2-4 with dashes, without the numbers the SSA never issues
 * (area 000, 666 or 900-999, group 00, serial 0000). Nine bare digits are not claimed: too many ids look alike.
 */
const SSN = /(?<![\w-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w-])/g;

/** Order matters: credentials first, so a token is not half-eaten by the phone or card rules. */
const RULES: readonly Rule[] = [
  // The key body and its armour lines; the BEGIN/END lines stay, so the reader knows what was there. A block
  // cut short by payload_chars is redacted to its end.
  matches(
    'private_key',
    /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----(?<secret>(?:[A-Za-z0-9+/=\s:,]|\\+[nrt]|-(?!----))+)/g,
  ),
  matches('bearer', /\b(?:[Bb]earer|Basic)\s{1,8}(?<secret>[A-Za-z0-9._~+/=-]{8,})/g),
  // No word boundary: a token glued to a word ("mytokendapi…") is still a token.
  matches('databricks_token', /(?:dapi|dose)[0-9a-f]{32}(?:-\d{1,3})?/gi),
  matches(
    'aws_secret_key',
    new RegExp(String.raw`(?<![A-Za-z0-9])(?:aws[_-]?secret[_-]?(?:access[_-]?)?key|secret[_-]?access[_-]?key)${LABEL_SEPARATOR}(?:${OPENING_QUOTE})?(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`, 'gi'),
  ),
  awsSecretNearKeyId,
  matches('stripe_key', /(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{20,}/g),
  matches('openai_key', /sk-(?:proj|ant|svcacct|admin)-[A-Za-z0-9_-]{16,}|\bsk-(?:live-|test-)?[A-Za-z0-9_-]{16,}/g),
  matches('azure_key', /(?<![A-Za-z])(?:Account|SharedAccess)Key\s{0,2}=\s{0,2}(?<secret>[A-Za-z0-9+/]{16,}={0,2})/gi),
  matches(
    'api_key',
    /\b(?:AKIA[0-9A-Z]{16}|ASIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}|glpat-[A-Za-z0-9_-]{20,}|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})/g,
  ),
  // Any length: a short password is still a password.
  matches('password', new RegExp(String.raw`(?<![A-Za-z])(?:password|passwd|passphrase|pwd)${LABEL_SEPARATOR}${QUOTED_OR_BARE}`, 'gi')),
  // key=value / "api_key": "..." shapes with a long opaque value.
  matches(
    'api_key',
    new RegExp(String.raw`(?<![A-Za-z])(?:api[_-]?key|apikey|secret|access[_-]?token|auth[_-]?token|client[_-]?secret)${LABEL_SEPARATOR}(?:${OPENING_QUOTE})?(?<secret>[A-Za-z0-9._~+/=-]{8,})`, 'gi'),
  ),
  email,
  matches('email', SPELT_EMAIL),
  matches('ssn', SSN),
  matches('card', CARD, (m) => luhn(m.replace(/\D/g, ''))),
  // Grouped national and international forms: (212) 555-0199, +1 415-555-0134, 415.555.0134. Not part of a
  // longer digit group (a card number failing its checksum is not a phone number).
  matches(
    'phone',
    /(?<![\w+]|\d[\s.-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?|\d{2,4}[\s.-])\d{3,4}[\s.-]?\d{3,4}\b(?![\s.-]\d)/g,
    (m) => m.replace(/\D/g, '').length >= 9,
  ),
  // International with any grouping: +44 20 7946 0958, +33 6 12 34 56 78.
  matches('phone', /(?<![\w+])\+[1-9]\d{0,2}(?:[ .-]\(?\d{1,4}\)?){2,6}(?![\w])/g, (m) => digitCount(m, 8, 15)),
  // E.164 written unbroken: +14155550134.
  matches('phone', /(?<![\w+])\+[1-9]\d{7,14}(?!\d)/g),
  // Ten North American digits unbroken, with or without the leading 1: area code and exchange cannot start
  // with 0 or 1, which spares epoch seconds, token counts and most other plain numbers.
  matches('phone', /(?<![\w+.-])1?[2-9]\d{2}[2-9]\d{6}(?![\w])/g),
];

const digitCount = (text: string, min: number, max: number) => {
  const n = text.replace(/\D/g, '').length;
  return n >= min && n <= max;
};

/** A JSON `\uXXXX` escape behind any number of backslashes (JSON inside JSON), or an escaped slash. */
const ESCAPE = /(?<!\\)\\+(?:u([0-9a-fA-F]{4})|\/)/g;
/** Unicode format characters: zero-width spaces and joiners, soft hyphens, bidi controls, tag characters. */
const INVISIBLE = /\p{Cf}/gu;

/**
 * Decodes what hides characters from the rules. Escapes of quotes, backslashes, control characters and
 * surrogates stay as they are, so JSON text stays JSON; the whole backslash run goes with a decoded escape,
 * which removes whole escape pairs and so keeps it valid too.
 */
export function normalise(text: string): string {
  return text
    .replace(ESCAPE, (escape, hex: string | undefined) => {
      if (hex === undefined) return '/';
      const code = Number.parseInt(hex, 16);
      const plain = code >= 0x20 && code !== 0x22 && code !== 0x5c && (code < 0x7f || code > 0x9f) && (code < 0xd800 || code > 0xdfff);
      return plain ? String.fromCharCode(code) : escape;
    })
    .replaceAll('%40', '@')
    .replace(INVISIBLE, '');
}

export function redact(text: string): Redacted {
  const counts: RedactionCounts = {};
  let out = normalise(text);
  for (const rule of RULES) {
    const parts: string[] = [];
    let kept = 0;
    for (const [start, end] of rule.find(out)) {
      if (start < kept) continue;
      parts.push(out.slice(kept, start), `[REDACTED:${rule.kind}]`);
      kept = end;
      counts[rule.kind] = (counts[rule.kind] ?? 0) + 1;
    }
    out = parts.join('') + out.slice(kept);
  }
  return { text: out, counts };
}

export function addCounts(into: RedactionCounts, from: RedactionCounts): void {
  for (const [kind, n] of Object.entries(from) as Array<[RedactionKind, number]>) into[kind] = (into[kind] ?? 0) + n;
}

/**
 * The first `max` characters of redacted text, never ending inside a `[REDACTED:kind]` marker: a cut marker
 * would read as text the payload held.
 */
export function cutRedacted(text: string, max: number): string {
  if (text.length <= max) return text;
  const open = text.lastIndexOf('[REDACTED:', max - 1);
  const close = open < 0 ? -1 : text.indexOf(']', open);
  return text.slice(0, close >= max ? open : max);
}

function luhn(digits: string): boolean {
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
