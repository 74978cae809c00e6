/**
 * One apply at a time per state file, across processes: several agents (or HTTP replicas) applying to the
 * same gateway and state file would otherwise each re-read the live side, each PUT, and each record a config
 * that may not be the one left live. The lock sits beside the state file (not on it: the state writer takes
 * the file's own lock while this one is held) and is refreshed while held, so a long rollout does not look stale.
 */
import { ToolError } from '../shared/tool-error.js';

/** Longest to wait for another process's apply to finish before answering. */
const WAIT_RETRIES = { retries: 60, factor: 1.2, minTimeout: 50, maxTimeout: 1_000 };

export async function withApplyLock<T>(stateFile: string, task: () => Promise<T>): Promise<T> {
  const { default: lockfile } = await import('proper-lockfile');
  let release: () => Promise<void>;
  try {
    // A name of its own: proper-lockfile tracks held locks by path, and the writer locks the state file itself.
    release = await lockfile.lock(`${stateFile}.apply`, { realpath: false, stale: 20_000, update: 5_000, retries: WAIT_RETRIES });
  } catch (error) {
    throw new ToolError(
      'Nothing was applied',
      `another apply for the state file ${stateFile} is still running (${(error as Error).message})`,
      'Wait until it finishes, then plan again: the new plan shows what that apply changed',
      'APPLY_IN_PROGRESS',
    );
  }
  try {
    return await task();
  } finally {
    await release().catch(() => undefined);
  }
}
