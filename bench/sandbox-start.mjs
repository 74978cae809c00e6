// Time from startSandbox() to ready with default data (certificates, DuckDB load and seed, HTTPS listening).
// Cold: each start in a fresh Node process, as a user running `ai-gateway-mcp sandbox` sees it. Warm: several
// starts in one process (modules already loaded), as a test suite sees them. Prints one JSON line.
// Build first: npx tsc -p tsconfig.json. Usage: node bench/sandbox-start.mjs [runs]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);

async function startOnce() {
  const { startSandbox } = await import('../dist/sandbox/start-sandbox.js');
  const started = performance.now();
  const sandbox = await startSandbox();
  const elapsed = performance.now() - started;
  await sandbox.close();
  return elapsed;
}

const summary = (times) => {
  const sorted = [...times].sort((a, b) => a - b);
  return { median_ms: Math.round(sorted[Math.floor(sorted.length / 2)]), min_ms: Math.round(sorted[0]), max_ms: Math.round(sorted.at(-1)) };
};

if (process.argv[2] === '--one') {
  process.stdout.write(String(await startOnce()));
} else {
  const runs = Number(process.argv[2] ?? 5);
  const cold = [];
  for (let i = 0; i < runs; i += 1) cold.push(Number(execFileSync(process.execPath, [SELF, '--one'], { encoding: 'utf8' })));
  const warm = [];
  for (let i = 0; i < runs; i += 1) warm.push(await startOnce());
  console.log(JSON.stringify({ bench: 'sandbox-start', runs, cold: summary(cold), warm: summary(warm) }));
}
