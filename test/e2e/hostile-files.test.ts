/**
 * Files built to stall the server, named as state, config or CLI input, through the built server: an alias
 * bomb (a kilobyte that stands for 2^31 values) and FIFOs (an open that never returns). Each call must answer
 * with an error, and the server must go on serving. No timing is asserted: a stall shows as the test timing out.
 */
import { execFile, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { dump } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_SP, OPS_GROUP } from '../../src/sandbox/seed/seed-catalog.js';
import { startHarness, type Harness } from '../sandbox/support.js';
import { aliasBomb } from '../support/hostile-files.js';
import { callError, callOk, CLI, connect, type Connected } from '../support/mcp.js';
import { SCENARIOS, tempDir, writeYamlState } from '../support/states.js';

const dir = tempDir('aigw-hostile-');
const passing = writeYamlState(dir, 'passing', SCENARIOS.passing);
const { Foundation: _foundation, ...bindings } = SCENARIOS.passing;
const bomb = `Foundation:\n  f4_gateway:\n${aliasBomb(32, '    ')}`;

function file(name: string, text: string): string {
  const full = path.join(dir, name);
  writeFileSync(full, text);
  return full;
}

function fifo(name: string): string {
  const full = path.join(dir, name);
  execFileSync('mkfifo', [full]);
  return full;
}

let h: Harness;
let server: Connected;
beforeAll(async () => {
  h = await startHarness();
  server = await connect({ cwd: dir, env: { DATABRICKS_HOST: h.sandbox.url, DATABRICKS_TOKEN: h.sandbox.addToken('admin@example.com'), NODE_EXTRA_CA_CERTS: h.sandbox.caCertPath } });
});
afterAll(async () => {
  await server?.close();
  await h?.close();
});

const stillServing = async () => expect(await callOk(server.client, 'read_audit', { state_file: passing })).toMatchObject({ status: 'ok' });

describe('a state file whose YAML aliases expand to 2^31 values', () => {
  const yamlState = file('bomb.yaml', `${dump(bindings)}${bomb}`);
  const markdownState = file('bomb.md', `# State\n\n\`\`\`yaml\n${dump(bindings)}\`\`\`\n\n## Gateway\n\n\`\`\`yaml\n${bomb}\`\`\`\n`);
  const plan = (stateFile: string) => ({ name: 'gw-bomb', catalog: 'workshop', schema: 'gw_bomb', grants: { agent_service_principal: AGENT_SP, ops_group: OPS_GROUP }, state_file: stateFile });

  it.each([
    ['YAML', yamlState],
    ['Markdown', markdownState],
  ])('is refused by create_gateway (plan) and read_audit in %s, and the server goes on serving', async (_format, stateFile) => {
    expect(await callError(server.client, 'create_gateway', plan(stateFile))).toMatch(/Refused to read the state file .*more than 100,000 values, counting each alias/);
    expect(await callError(server.client, 'read_audit', { state_file: stateFile })).toMatch(/more than 100,000 values/);
    await stillServing();
  });

  it('is refused as a config file, by validate_config and by the validate command', async () => {
    const config = file('bomb-config.yaml', `name: gw\nconfig:\n  served_entities:\n${aliasBomb(32, '    ').replace(/^ {4}l/gm, '    - l')}`);
    expect(await callError(server.client, 'validate_config', { config_file: config })).toMatch(/Refused to read the config file .*more than 100,000 values/);
    const cli = await runValidate(config);
    expect(cli).toMatchObject({ code: 2 });
    expect(cli.stderr).toMatch(/more than 100,000 values/);
    await stillServing();
  });
});

describe('a price file (AIGW_PRICES_FILE) built to stall the server', () => {
  it.each([
    ['an alias bomb', () => file('bomb-prices.yaml', `prices:\n${aliasBomb(32, '  ')}`), /more than 100,000 values/],
    ['a FIFO', () => fifo('prices.yaml'), /named pipe \(FIFO\), not a regular file/],
  ])('is refused when it is %s, before any workspace call', async (_kind, make, refusal) => {
    const withPrices = await connect({ cwd: dir, env: { AIGW_PRICES_FILE: make() } });
    try {
      expect(await callError(withPrices.client, 'query_usage', { report: 'chargeback' })).toMatch(refusal);
      expect(await callOk(withPrices.client, 'read_audit', { state_file: passing })).toMatchObject({ status: 'ok' });
    } finally {
      await withPrices.close();
    }
  });
});

describe('a FIFO named as a file', () => {
  it('is refused as a state file or config file, four at once, and file reads go on', async () => {
    const pipes = [1, 2, 3, 4].map((n) => fifo(`pipe-${n}.yaml`));
    const answers = await Promise.all([
      callError(server.client, 'read_audit', { state_file: pipes[0] }),
      callError(server.client, 'create_gateway', { name: 'gw-fifo', catalog: 'workshop', schema: 'gw_fifo', state_file: pipes[1] }),
      callError(server.client, 'validate_config', { config_file: pipes[2] }),
      callError(server.client, 'validate_config', { config: {}, state_file: pipes[3] }),
    ]);
    for (const answer of answers) expect(answer).toMatch(/it is a named pipe \(FIFO\), not a regular file/);
    await stillServing();
  });

  it('is refused by the validate command, as config and as state', async () => {
    const [config, state] = [fifo('cli-config.json'), fifo('cli-state.yaml')];
    const asConfig = await runValidate(config);
    expect(asConfig).toMatchObject({ code: 2 });
    expect(asConfig.stderr).toMatch(/named pipe/);
    const asState = await runValidate(file('ok.json', '{}'), '--state', state);
    expect(asState).toMatchObject({ code: 2 });
    expect(asState.stderr).toMatch(/named pipe/);
  });
});

async function runValidate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, 'validate', ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
