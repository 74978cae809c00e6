#!/usr/bin/env node
/**
 * ai-gateway-mcp: the MCP server on stdio (default) or Streamable HTTP, plus the `validate`, `doctor`, `sandbox` and
 * `demo` commands. Subcommands and the sandbox load on demand so the server's start-up stays light.
 */
import { parseArgs } from 'node:util';
import { appsHostingOf } from './transports/apps-hosting.js';
import { Runtime, isTruthy, type RuntimeOptions } from './runtime/process-runtime.js';
import { serverFactory } from './server.js';
import { toolEntries } from './tools/tool-list.js';
import { checkSettings, describeProblem } from './runtime/settings-check.js';

const USAGE = `Usage:
  ai-gateway-mcp [--read-only] [--sandbox]                     MCP server on stdio
  ai-gateway-mcp --http [--host 127.0.0.1] [--port 8787] [--read-only] [--sandbox]
  ai-gateway-mcp validate <config.json|yaml> [--state FILE] [--target KIND] [--format text|json|sarif]
  ai-gateway-mcp doctor [--json] [--sandbox] [--state FILE]    check the workspace, read-only
  ai-gateway-mcp sandbox [--port N] [--rows N] [--seed S]      the local workspace only
  ai-gateway-mcp demo                                          walk the F4 flow on the sandbox`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'validate') {
    const { runValidateCommand } = await import('./commands/validate-command.js');
    process.exitCode = await runValidateCommand(rest);
    return;
  }
  if (command === 'doctor') {
    const { runDoctorCommand } = await import('./commands/doctor-command.js');
    process.exitCode = await runDoctorCommand(rest, startSandboxWorkspace);
    return;
  }
  if (command === 'sandbox') {
    const { runSandboxCommand } = await import('./commands/sandbox-command.js');
    await runSandboxCommand(rest);
    return;
  }
  if (command === 'demo') {
    const { runDemoCommand } = await import('./commands/demo-command.js');
    process.exitCode = await runDemoCommand(rest);
    return;
  }
  const { values } = parseArgs({
    args: argv,
    options: {
      http: { type: 'boolean', default: false },
      host: { type: 'string' },
      port: { type: 'string' },
      'read-only': { type: 'boolean', default: false },
      sandbox: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', short: 'v', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (values.version) {
    const { VERSION } = await import('./runtime/version.js');
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  const settings = checkSettings(process.env);
  for (const problem of settings.problems) process.stderr.write(`ai-gateway-mcp: ${describeProblem(problem)}\n`);
  const options: RuntimeOptions = {
    readOnly: values['read-only'] || isTruthy(settings.env.AIGW_READ_ONLY),
    env: settings.env,
    settingsProblems: settings.problems,
  };
  // Over HTTP the caller may be remote: confine the files it names to the working folder unless AIGW_ROOT says otherwise.
  if (values.http && !settings.env.AIGW_ROOT) options.root = process.cwd();
  // Served over HTTP as a Databricks App, the Apps proxy authenticates callers (http-apps.ts).
  if (values.http) options.hosting = appsHostingOf(settings.env);
  let closeSandbox: (() => Promise<void>) | undefined;
  if (values.sandbox) {
    const sandbox = await startSandboxWorkspace();
    closeSandbox = sandbox.close;
    Object.assign(options, sandbox.options);
  }
  const runtime = new Runtime(options);
  if (closeSandbox) runtime.onClose(closeSandbox);

  if (values.http) {
    const { serveHttp } = await import('./transports/http-transport.js');
    await serveHttp(runtime, { host: values.host, port: values.port === undefined ? undefined : Number(values.port) });
    return;
  }
  const [{ serveStdio }, { StdioWire }, tools] = await Promise.all([import('@modelcontextprotocol/server/stdio'), import('./transports/stdio-transport.js'), toolEntries()]);
  const handle = serveStdio(serverFactory(runtime, tools), {
    transport: new StdioWire(),
    // Problems the wire cannot answer on the wire (a malformed response from the client, a failed write).
    onerror: (error) => process.stderr.write(`ai-gateway-mcp: stdio: ${error.message}\n`),
  });
  const shutdown = async () => {
    await handle.close();
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
  // stdin closing ends the stdio transport; close clients and the sandbox with it.
  process.stdin.once('end', () => void runtime.close());
}

/** `--sandbox`: starts the embedded workspace and says how the runtime reaches it. */
async function startSandboxWorkspace() {
  const { startSandbox } = await import('./sandbox/start-sandbox.js');
  const sandbox = await startSandbox();
  process.stderr.write(`ai-gateway-mcp: using the local sandbox workspace at ${sandbox.url}\n`);
  return {
    options: {
      workspace: { host: sandbox.url, token: sandbox.token, warehouseId: sandbox.warehouseId, caCert: sandbox.caCert },
      workspaceLabel: 'sandbox',
      exampleStateFallback: true,
    },
    close: () => sandbox.close(),
  };
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`ai-gateway-mcp: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
  process.exitCode = 2;
});
