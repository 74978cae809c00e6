/**
 * `ai-gateway-mcp demo`: the first thing a newcomer runs. It starts this server on the embedded sandbox as a
 * child process, connects to it as an MCP client (exactly as Claude Desktop or Cursor would) and walks the F4
 * step, printing each call and the text the agent would read. A step that fails is shown and the walk goes
 * on, so the demo also says which parts work on this machine.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { dump } from 'js-yaml';
import { AGENT_SP, OPS_GROUP } from '../sandbox/seed/seed-catalog.js';
import { assertSandboxPackages } from '../sandbox/sandbox-packages.js';

const SONNET = 'databricks-claude-sonnet-4-6';
const OPUS = 'databricks-claude-opus-4-5';
const GATEWAY = 'demo-ai-gateway';
const CATALOG = 'workshop';
const SCHEMA = 'demo_team';
/** The secret the sandbox seeds with a token for the pay-per-token endpoints (as an admin would with put-secret). */
const TOKEN_SECRET = 'ai-gateway/fmapi-token';
/** Lines of each result shown, and characters of each line; the full result is what the agent gets. */
const MAX_LINES = 40;
const MAX_LINE_CHARS = 240;

interface Step {
  title: string;
  tool: string;
  args: Record<string, unknown> | ((previous: Map<string, Record<string, unknown>>) => Record<string, unknown>);
}

export async function runDemoCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'max-lines': { type: 'string' } }, strict: true });
  const maxLines = values['max-lines'] ? Math.max(1, Number(values['max-lines'])) : MAX_LINES;
  // The server it starts runs on the sandbox: say what to install before starting anything.
  assertSandboxPackages();
  const dir = mkdtempSync(path.join(tmpdir(), 'aigw-demo-'));
  const files = writeDemoFiles(dir);
  // The executable that is running this command (dist/cli.cjs, the npm bin that links to it, or the dist/cli.js shim).
  const cli = process.argv[1] ?? fileURLToPath(new URL('../cli.js', import.meta.url));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [cli, '--sandbox'],
    // Only what the server needs: never the operator's own Databricks settings, so the demo cannot touch a real workspace.
    env: { PATH: process.env.PATH ?? '', HOME: dir },
    cwd: dir,
    stderr: 'pipe',
  });
  let serverLog = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    serverLog += chunk.toString();
  });
  const client = new Client({ name: 'ai-gateway-mcp-demo', version: '1.0.0' });
  say(`ai-gateway-mcp demo: starting the server on the local sandbox workspace (files in ${dir})`);
  try {
    await client.connect(transport);
  } catch (error) {
    process.stderr.write(`demo: the server did not start: ${error instanceof Error ? error.message : String(error)}\n${serverLog}`);
    rmSync(dir, { recursive: true, force: true });
    return 1;
  }
  const tools = (await client.listTools()).tools.map((t) => t.name);
  say(`connected; tools: ${tools.join(', ')}\n`);

  const results = new Map<string, Record<string, unknown>>();
  let failed = 0;
  const steps = demoSteps(files);
  for (const [index, step] of steps.entries()) {
    const args = typeof step.args === 'function' ? step.args(results) : step.args;
    say(`── ${index + 1}/${steps.length} ${step.title}`);
    say(`▶ ${step.tool} ${clip(JSON.stringify(args, shortenPaths(dir)))}`);
    try {
      const result = await client.callTool({ name: step.tool, arguments: args });
      const text = textOf(result.content).split(dir).join('.');
      if (result.isError) {
        failed += 1;
        say(indent(`✗ ${text}`, maxLines));
      } else {
        results.set(step.title, (result.structuredContent ?? {}) as Record<string, unknown>);
        say(indent(text, maxLines));
      }
    } catch (error) {
      failed += 1;
      say(indent(`✗ ${error instanceof Error ? error.message : String(error)}`, maxLines));
    }
    say('');
  }
  await client.close();
  rmSync(dir, { recursive: true, force: true });
  say(failed === 0 ? `demo: all ${steps.length} steps completed` : `demo: ${steps.length - failed} of ${steps.length} steps completed; the failures are shown above`);
  return failed === 0 ? 0 : 1;
}

interface DemoFiles {
  halted: string;
  passing: string;
  /** A second copy of the passing state, for the Unity AI Gateway path (its own Foundation.f4_gateway record). */
  unity: string;
}

function demoSteps(files: DemoFiles): Step[] {
  const gatewayArgs = {
    name: GATEWAY,
    form: 'dedicated',
    token_secret: TOKEN_SECRET,
    roles: ['agent_chat'],
    fallback: true,
    catalog: CATALOG,
    schema: SCHEMA,
    table_name_prefix: 'demo',
    grants: { agent_service_principal: AGENT_SP, ops_group: OPS_GROUP },
    state_file: files.passing,
  };
  const unityArgs = {
    name: 'demo_agents',
    target: 'model_service',
    roles: ['agent_chat'],
    // Opus has no system.ai model in this workspace, so it cannot be a model-service fallback (the plan says so).
    fallback: false,
    catalog: CATALOG,
    schema: SCHEMA,
    table_name_prefix: 'demo_unity',
    grants: { agent_service_principal: AGENT_SP, ops_group: OPS_GROUP },
    state_file: files.unity,
  };
  return [
    { title: 'Read the audit: agent_chat is bound to an endpoint that never streamed', tool: 'read_audit', args: { state_file: files.halted } },
    { title: 'Read the audit: agent_chat bound to a candidate that passed its probe', tool: 'read_audit', args: { state_file: files.passing } },
    { title: "Validate the workshop's literal body: a pay-per-token endpoint is not a registered model", tool: 'validate_config', args: { config: workshopBody(), state_file: files.passing } },
    { title: 'Validate a config with mistakes', tool: 'validate_config', args: { config: badBody(), state_file: files.passing } },
    { title: 'Validate the corrected config', tool: 'validate_config', args: { config: goodBody(), state_file: files.passing } },
    { title: 'Plan the gateway', tool: 'create_gateway', args: { ...gatewayArgs, mode: 'plan' } },
    {
      title: 'Apply the plan (the operator confirmed it)',
      tool: 'create_gateway',
      args: (previous) => ({ ...gatewayArgs, mode: 'apply', plan_id: previous.get('Plan the gateway')?.plan_id ?? 'no-plan-id' }),
    },
    { title: 'Verify: validate the live endpoint', tool: 'validate_config', args: { endpoint: GATEWAY, state_file: files.passing } },
    { title: 'Plan the same gateway on Unity AI Gateway (a model service)', tool: 'create_gateway', args: unityArgs },
    {
      title: 'Apply the model-service plan',
      tool: 'create_gateway',
      args: (previous) => ({ ...unityArgs, mode: 'apply', plan_id: previous.get('Plan the same gateway on Unity AI Gateway (a model service)')?.plan_id ?? 'no-plan-id' }),
    },
    { title: 'Usage of the last 7 days by team', tool: 'query_usage', args: { report: 'chargeback', charge_to: 'team', limit: 10 } },
    { title: 'Usage spikes (runaway agents)', tool: 'query_usage', args: { report: 'spikes', limit: 5 } },
    { title: 'Tail the inference table of an existing gateway', tool: 'tail_inference', args: { endpoint: 'skyloyalty-ai-gateway', limit: 3, payload_chars: 160 } },
  ];
}

function writeDemoFiles(dir: string): DemoFiles {
  const audited_at = new Date(Date.now() - 86_400_000).toISOString();
  const pass = { short_chat_ok: true, streaming_ok: true, streaming_arg_accepted: true, audited_at };
  const halted = {
    uc_catalog_schema: `${CATALOG}.${SCHEMA}`,
    llm_role_endpoints: { agent_chat: { endpoint: SONNET, candidates: [SONNET], selected_after_probe: true } },
    // The stream argument was accepted, yet no token streamed back: not proof of streaming, so the role fails.
    endpoint_guardrail_audit: { [SONNET]: { ...pass, streaming_ok: false } },
  };
  const passing = {
    uc_catalog_schema: `${CATALOG}.${SCHEMA}`,
    llm_role_endpoints: { agent_chat: { endpoint: SONNET, candidates: [SONNET, OPUS], selected_after_probe: true } },
    endpoint_guardrail_audit: { [SONNET]: pass, [OPUS]: pass },
  };
  const files = { halted: path.join(dir, 'halted-state.yaml'), passing: path.join(dir, 'state.yaml'), unity: path.join(dir, 'unity-state.yaml') };
  writeFileSync(files.halted, dump(halted));
  writeFileSync(files.passing, dump(passing));
  writeFileSync(files.unity, dump(passing));
  return files;
}

/** The dedicated form: external models wrapping the audited pay-per-token endpoints, the token as a secret reference. */
function goodBody(): Record<string, unknown> {
  const wrap = (name: string, endpoint: string) => ({
    name,
    external_model: {
      name: endpoint,
      provider: 'databricks-model-serving',
      task: 'llm/v1/chat',
      databricks_model_serving_config: { databricks_workspace_url: 'https://dbc-1234.cloud.databricks.com', databricks_api_token: `{{secrets/${TOKEN_SECRET}}}` },
    },
  });
  return {
    name: GATEWAY,
    config: {
      served_entities: [wrap('primary', SONNET), wrap('fallback', OPUS)],
      traffic_config: { routes: [{ served_entity_name: 'primary', traffic_percentage: 100 }, { served_entity_name: 'fallback', traffic_percentage: 0 }] },
    },
    ai_gateway: {
      usage_tracking_config: { enabled: true },
      inference_table_config: { enabled: true, catalog_name: CATALOG, schema_name: SCHEMA, table_name_prefix: 'demo' },
      rate_limits: [
        { key: 'endpoint', renewal_period: 'minute', calls: 120 },
        { key: 'user', renewal_period: 'minute', calls: 20 },
      ],
      guardrails: { input: { pii: { behavior: 'BLOCK' }, safety: true }, output: { pii: { behavior: 'BLOCK' }, safety: true } },
      fallback_config: { enabled: true },
    },
  };
}

/** The F4 workshop's example body: it names a pay-per-token endpoint where the API expects a registered model. */
function workshopBody(): Record<string, unknown> {
  const body = goodBody() as { config: Record<string, unknown>; ai_gateway: Record<string, unknown> };
  const { fallback_config: _noFallback, ...aiGateway } = body.ai_gateway;
  return { ...body, config: { served_entities: [{ entity_name: SONNET, entity_version: '1', workload_size: 'Small' }] }, ai_gateway: aiGateway };
}

/** The mistakes people make: an endpoint picked by hand, a trailing "_" in the prefix, the default schema, no rate limit. */
function badBody(): Record<string, unknown> {
  const body = goodBody() as { config: { served_entities: Array<{ external_model: Record<string, unknown> }> }; ai_gateway: Record<string, unknown> };
  body.config.served_entities[0]!.external_model.name = 'databricks-meta-llama-3-3-70b-instruct';
  body.ai_gateway.inference_table_config = { enabled: true, catalog_name: CATALOG, schema_name: 'default', table_name_prefix: 'demo_' };
  body.ai_gateway.rate_limits = [];
  return body;
}

function shortenPaths(dir: string) {
  return (_key: string, value: unknown) => (typeof value === 'string' && value.startsWith(dir) ? `.${value.slice(dir.length)}` : value);
}

function textOf(content: unknown): string {
  return ((content ?? []) as Array<{ type: string; text?: string }>).map((c) => c.text ?? `[${c.type}]`).join('\n');
}

function indent(text: string, maxLines: number): string {
  const lines = text.split('\n');
  const shown = lines.slice(0, maxLines).map((line) => `  ${clip(line)}`);
  if (lines.length > maxLines) shown.push(`  … ${lines.length - maxLines} more lines`);
  return shown.join('\n');
}

function clip(line: string): string {
  return line.length <= MAX_LINE_CHARS ? line : `${line.slice(0, MAX_LINE_CHARS)}… (${line.length - MAX_LINE_CHARS} more characters)`;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}
