/** read_audit: which role endpoints passed their probe, and whether F4 must halt. */
import { isInputRequiredResult } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { DEFAULT_ROLES } from '../governance/role-probe.js';
import { auditReport } from '../use-cases/audit-report.js';
import { defineTool } from './define-tool.js';
import { list, table } from './text-format.js';
import { askOperator, operatorAnswerText } from './operator-prompt.js';
import { operatorPromptSchema, operatorResponseSchema, roleReportSchema } from './shared-output-schemas.js';

export const stateFileInput = z
  .string()
  .min(1)
  .max(4096)
  .optional()
  .describe('Path of the workshop state file (YAML, or Markdown with ```yaml blocks): local, /Workspace/… or /Volumes/…. Default: AIGW_STATE_FILE, then ./state.yaml, then ./.vibecoding-state.md');

export const rolesInput = z
  .array(z.string().min(1).max(128).regex(/^[A-Za-z0-9_.-]+$/, 'a role name is letters, digits, "_", "-" or "."'))
  .min(1)
  .max(32)
  .default([...DEFAULT_ROLES]);

const input = z.object({
  state_file: stateFileInput,
  roles: rolesInput.describe('Roles the gateway will serve; a failure of any of these halts F4. Default ["agent_chat"]'),
  max_audit_age_days: z.number().int().min(1).max(3650).default(30).describe('Audits older than this produce a warning (not a failure)'),
});

const output = z.object({
  state_file: z.string(),
  status: z.enum(['ok', 'halted']),
  roles: z.array(roleReportSchema),
  operator_prompt: operatorPromptSchema.optional(),
  operator_response: operatorResponseSchema.optional(),
});

export const readAuditTool = defineTool({
  name: 'read_audit',
  title: 'Read the endpoint audit (F4 halt rule)',
  description: `Reads the workshop state file and reports, for every role in llm_role_endpoints, whether its bound endpoint passed its role probe in endpoint_guardrail_audit (short chat, streaming for agent_chat or streaming_required roles, long context when min_context_chars is set).
Call this first, before validate_config or create_gateway. status "ok": the roles can be served. status "halted": do NOT pick another endpoint yourself and do not create anything — show operator_prompt.message to the operator and wait (ask "candidate_list": they must give a workspace-specific FMAPI candidate list; ask "rerun_probe": another candidate passes, re-run the role endpoint probe). When your client supports forms, the operator is asked directly and the answer is echoed back in operator_response. Read-only; never writes the file.`,
  kind: 'read',
  idempotent: true,
  openWorld: false,
  input,
  output,
  async run(args, call) {
    const result: z.output<typeof output> = await auditReport(call.runtime, { stateFile: args.state_file, roles: args.roles, maxAuditAgeDays: args.max_audit_age_days });
    if (!result.operator_prompt) return result;
    const answer = await askOperator(call, result.operator_prompt);
    if (answer && isInputRequiredResult(answer)) return answer;
    if (answer) result.operator_response = answer;
    return result;
  },
  text: renderAudit,
});

export function renderAudit(result: {
  state_file: string;
  status: string;
  roles: z.output<typeof roleReportSchema>[];
  operator_prompt?: z.output<typeof operatorPromptSchema>;
  operator_response?: z.output<typeof operatorResponseSchema>;
}): string {
  const lines = [`state file: ${result.state_file}`, `status: ${result.status.toUpperCase()}`, ''];
  lines.push(
    table(
      ['role', 'endpoint', 'status', 'failed checks', 'fallback candidates'],
      result.roles.map((r) => [r.role, r.endpoint ?? '-', r.status, list(r.failed_checks), list(r.fallback_candidates)]),
    ),
  );
  const warnings = result.roles.flatMap((r) => r.warnings.map((w) => `- ${r.role}: ${w}`));
  if (warnings.length > 0) lines.push('', 'warnings:', ...warnings);
  if (result.operator_prompt) lines.push('', `OPERATOR PROMPT (show to the operator, do not choose an endpoint yourself): ${result.operator_prompt.message}`);
  if (result.operator_response) lines.push('', operatorAnswerText(result.operator_response));
  return lines.join('\n');
}
