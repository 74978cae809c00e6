/** Output-schema pieces shared by several tools (the same halt prompt comes from read_audit and create_gateway). */
import { z } from 'zod';

export const roleReportSchema = z.object({
  role: z.string(),
  endpoint: z.string().nullable().describe('The bound endpoint (llm_role_endpoints.<role>.endpoint), null when unbound'),
  status: z.enum(['pass', 'fail', 'unbound']),
  failed_checks: z.array(z.string()).describe('Audit fields that failed (e.g. streaming_ok), or audit_entry when never audited'),
  warnings: z.array(z.string()),
  fallback_candidates: z.array(z.string()).describe('Other candidates of the role that pass the probe, in order'),
});

export const operatorPromptSchema = z.object({
  message: z.string().describe('Show this to the operator verbatim and wait for their answer'),
  roles: z.array(
    z.object({
      role: z.string(),
      endpoint: z.string().nullable(),
      reason: z.enum(['unbound', 'failed_probe']),
      candidates: z.array(z.object({ endpoint: z.string(), passes: z.boolean(), failed_checks: z.array(z.string()) })),
      ask: z.enum(['candidate_list', 'rerun_probe']).describe('candidate_list: a workspace-specific FMAPI candidate list is needed; rerun_probe: another candidate passes, re-run the role endpoint probe'),
      passing_candidates: z.array(z.string()),
    }),
  ),
});

export const operatorResponseSchema = z.object({
  action: z.enum(['accept', 'decline', 'cancel']),
  workspace: z.string().optional(),
  candidate_endpoints: z.array(z.string()).optional(),
  note: z.string().optional(),
  next_step: z.string().describe('What happens with the answer: it is recorded, never bound without a new probe'),
});
