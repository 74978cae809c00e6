#!/usr/bin/env node
/**
 * Redaction cost on hostile text against benign text of the same length, in the same run. Hostile shapes are
 * the ones that made backtracking patterns quadratic (the `.a.a…` run behind an e-mail pattern) and near
 * misses aimed at every other rule; benign text is a chat payload of ordinary prose. Runs are interleaved so
 * machine noise hits both alike; medians are quoted, and the ratio hostile / benign is what to compare
 * (target: within 3×). The last line is the worst tail_inference page: 100 rows, two payloads each.
 *   npm run build && node bench/redact.mjs [chars=20256] [runs=41]
 */
import { redact } from '../dist/governance/inference/redact.js';

const numbers = process.argv.slice(2).filter((a) => /^\d+$/.test(a)).map(Number);
// payload_chars at its maximum (20,000) plus the margin read past the cut.
const CHARS = numbers[0] ?? 20_256;
const RUNS = Math.max(11, numbers[1] ?? 41);

const fill = (unit) => unit.repeat(Math.ceil(CHARS / unit.length)).slice(0, CHARS);

const PROSE =
  'Please update my contact details and confirm my Gold status. How many miles do I need for a business class ' +
  'upgrade to Tokyo, and can I transfer 12,000 of them to my partner account before 2026-11-27? Thanks! ';
const benign = JSON.stringify({ messages: [{ role: 'user', content: fill(PROSE) }], max_tokens: 512 }).slice(0, CHARS);

const HOSTILE = {
  'dots .a.a… (e-mail local part)': fill('.a'),
  'a@a.a.a… (e-mail domain)': `x@${fill('a.')}`,
  '@@@@ (e-mail anchors)': fill('@'),
  '1 1 1 … (card and phone digits)': fill('1 '),
  '2-2-2-… (dashed digit groups)': fill('2-'),
  '+1 2 +1 2 … (international phone)': fill('+1 2 '),
  'a at a dot a at … (spelt-out e-mail)': fill('a at a dot '),
  '123-45-123-45-… (SSN groups)': fill('123-45-'),
  'PEM headers, no body': fill('-----BEGIN PRIVATE KEY-----'),
  'password: password: …': fill('password:'),
  'AKIA ids, no secret near': fill('AKIAIOSFODNN7EXAMPLE '),
  'base64 words (AWS secret shape)': `AKIAIOSFODNN7EXAMPLE ${fill('aB3/')}`,
  'backslash runs (escape decoding)': fill('\\\\\\\\\\\\\\\\u00'),
  'zero-width characters': fill('d\u200ba\u200bp\u200bi\u200b'),
  'Bearer Bearer … (labels)': fill('Bearer '),
};

function time(text) {
  const start = process.hrtime.bigint();
  redact(text);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// Warm up the JIT on every shape before measuring.
for (let i = 0; i < 5; i++) for (const text of [benign, ...Object.values(HOSTILE)]) redact(text);

console.log(`redact(): ${CHARS} characters per text, median of ${RUNS} interleaved runs (node ${process.version})`);
console.log(`${'hostile shape'.padEnd(36)} ${'hostile'.padStart(10)} ${'benign'.padStart(10)} ${'ratio'.padStart(7)}`);
let worst = 0;
for (const [name, text] of Object.entries(HOSTILE)) {
  const hostileTimes = [];
  const benignTimes = [];
  for (let i = 0; i < RUNS; i++) {
    hostileTimes.push(time(text));
    benignTimes.push(time(benign));
  }
  const h = median(hostileTimes);
  const b = median(benignTimes);
  worst = Math.max(worst, h / b);
  console.log(`${name.padEnd(36)} ${`${h.toFixed(3)} ms`.padStart(10)} ${`${b.toFixed(3)} ms`.padStart(10)} ${`${(h / b).toFixed(2)}×`.padStart(7)}`);
}
console.log(`worst ratio ${worst.toFixed(2)}× (target ≤ 3×)`);

const dots = HOSTILE['dots .a.a… (e-mail local part)'];
const page = (text) => {
  const start = process.hrtime.bigint();
  for (let row = 0; row < 200; row++) redact(text);
  return Number(process.hrtime.bigint() - start) / 1e6;
};
const pages = { hostile: [], benign: [] };
for (let i = 0; i < 5; i++) {
  pages.hostile.push(page(dots));
  pages.benign.push(page(benign));
}
console.log(
  `a 100-row page, 2 payloads a row: hostile ${median(pages.hostile).toFixed(1)} ms, benign ${median(pages.benign).toFixed(1)} ms in all ` +
    '(tail_inference yields to the event loop between rows)',
);
