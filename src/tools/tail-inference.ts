/** Placeholder until its issue lands: listed so agents see the whole tool set. */
import { z } from 'zod';
import { ToolError } from '../errors.js';
import { defineTool } from './define.js';

export const tailInferenceTool = defineTool({
  name: 'tail_inference',
  title: 'tail_inference',
  description: 'Not available yet.',
  kind: 'read',
  idempotent: true,
  openWorld: true,
  input: z.object({}),
  output: z.object({}),
  async run() {
    throw new ToolError('tail_inference is not available yet', 'it is still being built', 'Use read_audit and validate_config meanwhile', 'NOT_AVAILABLE');
  },
  text: () => '',
});
