/**
 * Prompts: what clients show as slash commands. Each is a template over the tools — it tells the agent which
 * tool to call in which order and where to stop for the operator; it never calls anything itself.
 */
import type { McpServer } from '@modelcontextprotocol/server';
import type { Runtime } from '../runtime/process-runtime.js';
import type { PromptSpec } from './define-prompt.js';
import { provisionGatewayPrompt } from './provision-gateway.prompt.js';
import { weeklyChargebackPrompt } from './weekly-chargeback.prompt.js';
import { wireConsumerPrompt } from './wire-consumer.prompt.js';

// Erases the argument generics so prompts of different shapes fit in one list.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const PROMPTS: readonly PromptSpec<any>[] = [provisionGatewayPrompt, weeklyChargebackPrompt, wireConsumerPrompt];

export function registerPrompts(server: McpServer, runtime: Runtime): void {
  for (const prompt of PROMPTS) {
    // Under read-only mode create_gateway does not exist, so a prompt that applies a gateway would mislead.
    if (runtime.readOnly && prompt.name === provisionGatewayPrompt.name) continue;
    server.registerPrompt(
      prompt.name,
      { title: prompt.title, description: prompt.description, argsSchema: prompt.args },
      (async (args: unknown) => ({
        messages: [{ role: 'user' as const, content: { type: 'text' as const, text: await prompt.text(args, runtime) } }],
      })) as never,
    );
  }
}
