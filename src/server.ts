/**
 * buildServer(): one factory for both protocol eras. The SDK calls it per stdio connection and per HTTP
 * request, so it only wires the MCP surface; everything long-lived comes from the runtime it closes over.
 */
import { McpServer, type McpServerFactory } from '@modelcontextprotocol/server';
import type { Caller } from './runtime/caller.js';
import { callerOf } from './transports/http-caller.js';
import { registerPrompts } from './prompts/prompt-list.js';
import { registerResources } from './resources/resource-list.js';
import type { Runtime } from './runtime/process-runtime.js';
import { registerTools } from './tools/define-tool.js';
import { TOOLS } from './tools/tool-list.js';
import { VERSION } from './runtime/version.js';

export const SERVER_NAME = 'ai-gateway-mcp';

const INSTRUCTIONS = `Governs Databricks AI Gateway endpoints following the workshop's F4 step.
Order of work: read_audit (which role endpoints passed their probe; a "halted" status means ask the operator,
never pick an endpoint yourself) → validate_config → create_gateway with mode "plan", show the plan, then
mode "apply" with the plan_id → query_usage / tail_inference to verify.`;

/** `caller` is who an HTTP request came from (the transport's access check says); undefined on stdio. */
export function buildServer(runtime: Runtime, caller?: Caller): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, version: VERSION },
    {
      capabilities: { logging: {} },
      instructions: INSTRUCTIONS,
    },
  );
  registerTools(server, runtime, TOOLS, caller);
  registerResources(server, runtime);
  registerPrompts(server, runtime);
  return server;
}

export function serverFactory(runtime: Runtime): McpServerFactory {
  return (ctx) => buildServer(runtime, callerOf(ctx.authInfo));
}
