/**
 * `ai-gateway-mcp validate <file> [--state F] [--format text|json|sarif]`: the validate_config rules in CI.
 * Exit codes: 0 no errors, 1 at least one error finding, 2 unreadable input or bad arguments.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfigFile } from '../files/gateway-body-file.js';
import { lineOf, pointerLines } from '../files/yaml-source-map.js';
import { ToolError } from '../shared/tool-error.js';
import { catalog, type Finding } from '../governance/rules/rule-catalog.js';
import { lintBody } from '../use-cases/config-validation.js';
import { Runtime } from '../runtime/process-runtime.js';
import { loadStateIfPresent } from '../state/read-state.js';
import { renderValidation } from '../tools/validate-config.tool.js';
import { VERSION } from '../runtime/version.js';

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

export async function runValidateCommand(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let file: string | undefined;
  let stateFile: string | undefined;
  let format: Format;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { state: { type: 'string' }, format: { type: 'string', default: 'text' } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) throw new Error('give exactly one config file');
    if (!(FORMATS as readonly string[]).includes(values.format ?? '')) throw new Error(`--format must be one of ${FORMATS.join(', ')}`);
    file = positionals[0];
    stateFile = values.state;
    format = values.format as Format;
  } catch (error) {
    err.write(`validate: ${error instanceof Error ? error.message : String(error)}\nUsage: ai-gateway-mcp validate <config.json|yaml> [--state FILE] [--format text|json|sarif]\n`);
    return 2;
  }

  const runtime = new Runtime();
  let loaded;
  let state;
  try {
    loaded = await loadConfigFile(runtime, file as string);
    // Like the MCP tools: --state, else AIGW_STATE_FILE, else ./state.yaml or ./.vibecoding-state.md when present.
    state = await loadStateIfPresent(runtime, stateFile);
  } catch (error) {
    err.write(`validate: ${error instanceof ToolError ? error.message : String(error)}\n`);
    return 2;
  }
  const validation = lintBody(loaded.body, undefined, state?.data);
  if (format === 'json') out.write(`${JSON.stringify({ file: loaded.path, ...(state ? { state_file: state.path } : {}), ...validation }, null, 2)}\n`);
  else if (format === 'sarif') out.write(`${JSON.stringify(toSarif(loaded.path, loaded.text, validation.findings), null, 2)}\n`);
  else out.write(`${renderValidation({ ...validation, config_file: loaded.path, ...(state ? { state_file: state.path } : {}) })}\n`);
  return validation.valid ? 0 : 1;
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/** SARIF 2.1.0, so CI systems (GitHub code scanning and others) annotate the line of the config file. */
export function toSarif(file: string, text: string, findings: Finding[]) {
  const lines = pointerLines(text);
  const rules = catalog();
  const uri = path.relative(process.cwd(), file).split(path.sep).join('/') || file;
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ai-gateway-mcp',
            version: VERSION,
            informationUri: 'https://docs.databricks.com/aws/en/ai-gateway/',
            rules: rules.map((rule) => ({
              id: rule.id,
              shortDescription: { text: rule.title },
              help: { text: rule.fix },
              defaultConfiguration: { level: SARIF_LEVEL[rule.severity] },
            })),
          },
        },
        results: findings.map((finding) => ({
          ruleId: finding.rule,
          level: SARIF_LEVEL[finding.severity],
          message: { text: `${finding.message}. Fix: ${finding.fix}` },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri }, region: { startLine: lineOf(lines, finding.path) } },
              logicalLocations: [{ fullyQualifiedName: finding.path || '/', kind: 'member' }],
            },
          ],
        })),
      },
    ],
  };
}
