/** What a prompt declares: a template over the tools, with its arguments. */
import type { z } from 'zod';

export interface PromptSpec<A extends z.ZodObject> {
  name: string;
  title: string;
  description: string;
  args: A;
  text(args: z.output<A>): string;
}
