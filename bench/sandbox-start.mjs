// Time from startSandbox() to ready with default data (certificates, warehouse seed, HTTPS listening),
// median of several runs. Build first: npx tsc -p tsconfig.json. Usage: node bench/sandbox-start.mjs [runs]
import { startSandbox } from '../dist/sandbox/index.js';

const runs = Number(process.argv[2] ?? 7);
const times = [];
for (let i = 0; i < runs; i += 1) {
  const started = performance.now();
  const sandbox = await startSandbox();
  times.push(performance.now() - started);
  await sandbox.close();
}
const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
console.log(
  JSON.stringify({
    bench: 'sandbox-start',
    runs,
    median_ms: Math.round(median),
    min_ms: Math.round(sorted[0]),
    max_ms: Math.round(sorted.at(-1)),
    first_ms: Math.round(times[0]),
  }),
);
