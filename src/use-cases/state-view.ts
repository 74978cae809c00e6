/** Reading one section of the workshop state file (the default one), for read-only views such as resources. */
import { ToolError } from '../shared/tool-error.js';
import { isRecord } from '../shared/records.js';
import type { Runtime } from '../runtime/process-runtime.js';
import { loadState } from '../state/read-state.js';

/** Under Databricks Apps: what the operator's log says about the state file at start, when something is wrong. */
export { stateFileStartupNote } from '../state/locate-state.js';

/** The value at `keys` in the default state file; `STATE_KEY_MISSING` when a key on the way is absent. */
export async function stateSection(runtime: Runtime, keys: string[]): Promise<unknown> {
  const state = await loadState(runtime);
  let value: unknown = state.data;
  for (const key of keys) {
    // Own keys only: `constructor` or `toString` is no section of the file, whatever Object.prototype holds.
    value = isRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined;
    if (value === undefined) {
      throw new ToolError(`${keys.join('.')} is not in the state file ${state.path}`, 'the workshop step that writes it has not run', 'Run that step first, or point AIGW_STATE_FILE at the right state file', 'STATE_KEY_MISSING');
    }
  }
  return value;
}
