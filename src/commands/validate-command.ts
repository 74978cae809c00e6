/**
 * `ai-gateway-mcp validate <file> [--state F] [--target T] [--format text|json|sarif]`: validate_config in CI.
 * Exit codes: 0 no errors, 1 at least one error finding, 2 unreadable input or bad arguments.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ToolError } from '../shared/tool-error.js';
import { catalog, type Finding } from '../governance/rules/rule-catalog.js';
import type { BodyKind } from '../governance/service-lint.js';
import { Runtime } from '../runtime/process-runtime.js';
import { renderValidation } from '../tools/validate-config.tool.js';
import { validateConfigFile, type FileValidation } from '../use-cases/config-validation.js';
import { VERSION } from '../runtime/version.js';

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];
const TARGETS: readonly BodyKind[] = ['serving_endpoint', 'model_service', 'mcp_service'];
const USAGE = 'Usage: ai-gateway-mcp validate <config.json|yaml> [--state FILE] [--target serving_endpoint|model_service|mcp_service] [--format text|json|sarif]';

export async function runValidateCommand(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let request: { configFile: string; stateFile?: string; target?: BodyKind };
  let format: Format;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { state: { type: 'string' }, target: { type: 'string' }, format: { type: 'string', default: 'text' } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) throw new Error('give exactly one config file');
    if (!(FORMATS as readonly string[]).includes(values.format ?? '')) throw new Error(`--format must be one of ${FORMATS.join(', ')}`);
    if (values.target !== undefined && !(TARGETS as readonly string[]).includes(values.target)) throw new Error(`--target must be one of ${TARGETS.join(', ')}`);
    request = { configFile: positionals[0]!, stateFile: values.state, target: values.target as BodyKind | undefined };
    format = values.format as Format;
  } catch (error) {
    err.write(`validate: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 2;
  }

  // The same use case as validate_config's config_file, so the command and the tool give one verdict on any body.
  // Like the MCP tools: --state, else AIGW_STATE_FILE, else ./state.yaml or ./.vibecoding-state.md when present.
  let result: FileValidation;
  try {
    result = await validateConfigFile(new Runtime(), request);
  } catch (error) {
    err.write(`validate: ${error instanceof ToolError ? error.message : String(error)}\n`);
    return 2;
  }
  const { validation, lines } = result;
  const { config_file: file = request.configFile, state_file, valid, findings } = validation;
  if (format === 'json') out.write(`${JSON.stringify({ file, ...(state_file ? { state_file } : {}), valid, findings }, null, 2)}\n`);
  else if (format === 'sarif') out.write(`${JSON.stringify(toSarif(file, findings, lines), null, 2)}\n`);
  else out.write(`${renderValidation(validation)}\n`);
  return valid ? 0 : 1;
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/** SARIF 2.1.0, so CI systems (GitHub code scanning and others) annotate the line of the config file. */
export function toSarif(file: string, findings: Finding[], lines: number[]) {
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
        results: findings.map((finding, index) => ({
          ruleId: finding.rule,
          level: SARIF_LEVEL[finding.severity],
          message: { text: `${finding.message}. Fix: ${finding.fix}` },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri }, region: { startLine: lines[index] ?? 1 } },
              logicalLocations: [{ fullyQualifiedName: finding.path || '/', kind: 'member' }],
            },
          ],
        })),
      },
    ],
  };
}
