/** What a use case needs from the call that runs it, whatever protocol carried the call. */
import type { Runtime } from '../runtime/process-runtime.js';

export interface UseCaseCall {
  readonly runtime: Runtime;
  /** Aborted when the caller cancels. */
  readonly signal: AbortSignal;
  /** Reports progress when the caller asked for it; a no-op otherwise. */
  progress(progress: number, total?: number, message?: string): Promise<void>;
}
