/** The tool list, in the order an agent meets them in the F4 step. */
import { createGatewayTool } from './create-gateway.tool.js';
import type { AnyToolSpec } from './define-tool.js';
import { queryUsageTool } from './query-usage.tool.js';
import { readAuditTool } from './read-audit.tool.js';
import { tailInferenceTool } from './tail-inference.tool.js';
import { validateConfigTool } from './validate-config.tool.js';

export const TOOLS: readonly AnyToolSpec[] = [
  readAuditTool,
  validateConfigTool,
  createGatewayTool,
  queryUsageTool,
  tailInferenceTool,
];
