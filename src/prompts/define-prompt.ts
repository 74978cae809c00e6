/** What a prompt declares: a template over the tools, with its arguments. */
import type { z } from 'zod';
import type { Runtime } from '../runtime/process-runtime.js';

export interface PromptSpec<A extends z.ZodObject> {
  name: string;
  title: string;
  description: string;
  args: A;
  /** The prompt text; a prompt that reads the workspace (through a use case) returns it asynchronously. */
  text(args: z.output<A>, runtime: Runtime): string | Promise<string>;
}
