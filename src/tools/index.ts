/** The tool list, in the order an agent meets them in the F4 step. */
import { createGatewayTool } from './create-gateway.js';
import type { AnyToolSpec } from './define.js';
import { queryUsageTool } from './query-usage.js';
import { readAuditTool } from './read-audit.js';
import { tailInferenceTool } from './tail-inference.js';
import { validateConfigTool } from './validate-config.js';

export const TOOLS: readonly AnyToolSpec[] = [
  readAuditTool,
  validateConfigTool,
  createGatewayTool,
  queryUsageTool,
  tailInferenceTool,
];
