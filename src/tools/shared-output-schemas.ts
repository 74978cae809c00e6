/** Output-schema pieces shared by several tools (the same halt prompt comes from read_audit and create_gateway). */
import { z } from 'zod';

export const roleReportSchema = z.object({
  role: z.string(),
  endpoint: z.string().nullable(),
  status: z.enum(['pass', 'fail', 'unbound']),
  failed_checks: z.array(z.string()),
  warnings: z.array(z.string()),
  fallback_candidates: z.array(z.string()),
});

export const operatorPromptSchema = z.object({
  message: z.string().describe('Show this to the operator verbatim and wait for their answer'),
  roles: z.array(
    z.object({
      role: z.string(),
      endpoint: z.string().nullable(),
      reason: z.enum(['unbound', 'failed_probe']),
      candidates: z.array(z.object({ endpoint: z.string(), passes: z.boolean(), failed_checks: z.array(z.string()) })),
      ask: z.enum(['candidate_list', 'rerun_probe']),
      passing_candidates: z.array(z.string()),
    }),
  ),
});

export const operatorResponseSchema = z.object({
  action: z.enum(['accept', 'decline', 'cancel']),
  workspace: z.string().optional(),
  candidate_endpoints: z.array(z.string()).optional(),
  note: z.string().optional(),
  next_step: z.string(),
});
