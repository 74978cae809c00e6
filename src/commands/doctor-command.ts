/**
 * `ai-gateway-mcp doctor [--json] [--sandbox] [--state FILE]`: asks the configured workspace (the server's own
 * settings) whether everything the tools rely on is in place, read-only. One line per check, `pass`, `fail` or
 * `unknown`, with the evidence and the fix; `--json` prints `[{check, status, evidence, fix}]`.
 * Exit codes: 0 no check failed, 1 at least one failed, 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import { Runtime, type RuntimeOptions } from '../runtime/process-runtime.js';
import { checkSettings, describeProblem } from '../runtime/settings-check.js';
import { escapeControls } from '../tools/text-format.js';
import { workspaceDoctor, type DoctorCheck } from '../use-cases/workspace-doctor.js';

const USAGE = 'Usage: ai-gateway-mcp doctor [--json] [--sandbox] [--state FILE]';

/** What `--sandbox` adds to the runtime; cli.ts starts the embedded workspace (commands never reach it). */
export type SandboxStarter = () => Promise<{ options: Pick<RuntimeOptions, 'workspace' | 'workspaceLabel' | 'exampleStateFallback'>; close: () => Promise<void> }>;

export async function runDoctorCommand(argv: string[], startSandbox: SandboxStarter, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false }, sandbox: { type: 'boolean', default: false }, state: { type: 'string' } }, strict: true }));
  } catch (error) {
    err.write(`doctor: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }
  const settings = checkSettings(process.env);
  for (const problem of settings.problems) err.write(`ai-gateway-mcp: ${describeProblem(problem)}\n`);
  const sandbox = values.sandbox ? await startSandbox() : undefined;
  const runtime = new Runtime({ env: settings.env, settingsProblems: settings.problems, ...sandbox?.options });
  // A client whose answer never comes and holds nothing open (a server that answers SQL with something other than
  // Thrift leaves the driver's promise pending) would let the process end quietly with exit code 0: never a pass.
  const unfinished = () => {
    err.write('doctor: a check never got an answer and nothing is left to wait for; the workspace answered in a way its client could not read\n');
    process.exitCode = 1;
  };
  process.once('beforeExit', unfinished);
  try {
    const checks = await workspaceDoctor({ runtime, signal: new AbortController().signal }, { ...(values.state ? { stateFile: values.state } : {}) });
    out.write(values.json ? `${JSON.stringify(checks, null, 2)}\n` : renderChecks(checks));
    return checks.some((c) => c.status === 'fail') ? 1 : 0;
  } finally {
    process.off('beforeExit', unfinished);
    await runtime.close();
    await sandbox?.close();
  }
}

/** One line per check: status, name, evidence and, unless it passed, the fix; then the counts. */
export function renderChecks(checks: DoctorCheck[]): string {
  const width = Math.max(...checks.map((c) => c.check.length));
  const lines = checks.map((c) => escapeControls(`${c.status.padEnd(7)} ${c.check.padEnd(width)}  ${c.evidence}${c.fix ? ` — fix: ${c.fix}` : ''}`));
  const count = (status: DoctorCheck['status']) => checks.filter((c) => c.status === status).length;
  lines.push(`${count('pass')} pass, ${count('fail')} fail, ${count('unknown')} unknown. Paste this output (or --json) in a bug report.`);
  return `${lines.join('\n')}\n`;
}
