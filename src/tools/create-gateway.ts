/** Placeholder until its issue lands: listed so agents see the whole tool set. */
import { z } from 'zod';
import { ToolError } from '../errors.js';
import { defineTool } from './define.js';

export const createGatewayTool = defineTool({
  name: 'create_gateway',
  title: 'create_gateway',
  description: 'Not available yet.',
  kind: 'write',
  idempotent: true,
  openWorld: true,
  input: z.object({}),
  output: z.object({}),
  async run() {
    throw new ToolError('create_gateway is not available yet', 'it is still being built', 'Use read_audit and validate_config meanwhile', 'NOT_AVAILABLE');
  },
  text: () => '',
});
