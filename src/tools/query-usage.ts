/** Placeholder until its issue lands: listed so agents see the whole tool set. */
import { z } from 'zod';
import { ToolError } from '../errors.js';
import { defineTool } from './define.js';

export const queryUsageTool = defineTool({
  name: 'query_usage',
  title: 'query_usage',
  description: 'Not available yet.',
  kind: 'read',
  idempotent: true,
  openWorld: true,
  input: z.object({}),
  output: z.object({}),
  async run() {
    throw new ToolError('query_usage is not available yet', 'it is still being built', 'Use read_audit and validate_config meanwhile', 'NOT_AVAILABLE');
  },
  text: () => '',
});
