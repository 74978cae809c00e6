/**
 * The halt as a question to the operator. With elicitation the prompt is asked as a form (multi-round-trip
 * input; the SDK carries it to 2025-era clients as elicitation/create); without it, the structured prompt is
 * the whole answer. Either way the result stays "halted": an answer is echoed back and recorded, never bound
 * to a role without a new probe.
 */
import type { InputRequiredResult } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { OperatorPrompt } from '../governance/role-probe.js';
import type { ToolCall } from './define-tool.js';
import { fence } from './text-format.js';
import type { operatorResponseSchema } from './shared-output-schemas.js';

const REQUEST_KEY = 'operator';

const operatorForm = z.object({
  workspace: z.string().optional().describe('Workspace name the candidates belong to'),
  candidate_endpoints: z.string().optional().describe('Comma-separated FMAPI endpoint names to probe for this role'),
  note: z.string().optional().describe('Anything else the probe or the team should know'),
});

export type OperatorResponse = z.output<typeof operatorResponseSchema>;

const NEXT_STEP =
  'Recorded only. Nothing was bound: run vibecoding-state.llm_role_endpoint_probe with these candidates, then call again.';

/**
 * Returns the operator's answer (or a note that the form failed), an input request when the client answers
 * forms on a retry and has not been asked yet, or undefined when only the structured prompt can be returned.
 */
export async function askOperator(call: ToolCall, prompt: OperatorPrompt): Promise<OperatorResponse | InputRequiredResult | undefined> {
  const outcome = await call.form(REQUEST_KEY, prompt.message, operatorForm);
  switch (outcome.kind) {
    case 'unavailable':
      return undefined;
    case 'ask':
      return outcome.request;
    case 'failed':
      return { action: 'cancel', next_step: `The form could not be shown (${outcome.reason}); F4 stays halted: show operator_prompt.message to the operator instead.` };
    case 'answer': {
      if (outcome.action !== 'accept') return { action: outcome.action, next_step: 'The operator did not answer; F4 stays halted.' };
      const fields = outcome.content;
      const candidates = (fields.candidate_endpoints ?? '')
        .split(/[,\s]+/)
        .map((name) => name.trim())
        .filter(Boolean);
      return {
        action: 'accept',
        ...(fields.workspace ? { workspace: fields.workspace } : {}),
        candidate_endpoints: candidates,
        ...(fields.note ? { note: fields.note } : {}),
        next_step: NEXT_STEP,
      };
    }
  }
}

/** The operator's answer in a text copy: what they typed is free text, so it is fenced as untrusted data. */
export function operatorAnswerText(response: OperatorResponse): string {
  const typed = [
    ...(response.workspace ? [`workspace: ${response.workspace}`] : []),
    ...(response.candidate_endpoints?.length ? [`candidates: ${response.candidate_endpoints.join(', ')}`] : []),
    ...(response.note ? [`note: ${response.note}`] : []),
  ];
  const head = `operator answered: ${response.action}. ${response.next_step}`;
  return typed.length ? `${head}\n${fence('operator answer, as typed', typed)}` : head;
}
