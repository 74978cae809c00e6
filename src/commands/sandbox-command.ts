/**
 * `ai-gateway-mcp sandbox [--port N] [--rows N] [--seed S]`: runs only the embedded local workspace. When it
 * is ready, prints one JSON line `{"host","port","token","warehouse_path","ca_cert"}` on stdout (the only
 * stdout output, so scripts can read it), logs to stderr, and runs until SIGINT or SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startSandbox } from '../sandbox/start-sandbox.js';

const USAGE = 'Usage: ai-gateway-mcp sandbox [--port N] [--rows N] [--seed S]';

function integer(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < min || parsed > max) {
    throw new Error(`--${flag} must be an integer from ${min} to ${max} (got '${value}'). ${USAGE}`);
  }
  return parsed;
}

/** Resolves after a clean shutdown; bad arguments set exit code 2. */
export async function runSandboxCommand(argv: string[]): Promise<void> {
  let options;
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        rows: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) {
      process.stderr.write(`${USAGE}\n`);
      return;
    }
    options = {
      port: integer(values.port, 'port', 0, 65535),
      rows: integer(values.rows, 'rows', 0, 1_000_000_000),
      seed: integer(values.seed, 'seed', 0, 2 ** 31 - 1),
    };
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
    return;
  }

  const started = performance.now();
  let sandbox;
  try {
    sandbox = await startSandbox(options);
  } catch (error) {
    process.stderr.write(`sandbox: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
    return;
  }
  // Listen for the stop signal before announcing readiness: a script that reads the ready line and signals at
  // once must not meet the default SIGTERM action (stdout to a pipe is written synchronously).
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    const stop = (received: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(received);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  process.stdout.write(
    `${JSON.stringify({
      host: sandbox.url,
      port: sandbox.port,
      token: sandbox.token,
      warehouse_path: sandbox.warehousePath,
      ca_cert: sandbox.caCertPath,
    })}\n`,
  );
  process.stderr.write(
    `sandbox: ready at ${sandbox.url} in ${Math.round(performance.now() - started)} ms; trust ${sandbox.caCertPath}. Stop with Ctrl-C.\n`,
  );

  const signal = await stopped;
  process.stderr.write(`sandbox: ${signal} received, shutting down.\n`);
  await sandbox.close();
}
