/** Loads a gateway create body from a JSON or YAML file the caller names. */
import { ToolError } from '../shared/tool-error.js';
import type { Runtime } from '../runtime/process-runtime.js';
import { confine } from '../state/locate-state.js';
import { readTextFile } from '../state/read-text-file.js';
import { parseYaml, YamlExpansionError, YamlSyntaxError } from '../state/bounded-yaml.js';

/** A create body is a few KB; a megabyte is already generous. */
const MAX_CONFIG_BYTES = 1024 * 1024;

export interface LoadedConfig {
  path: string;
  text: string;
  body: unknown;
}

export async function loadConfigFile(runtime: Runtime, file: string): Promise<LoadedConfig> {
  const full = confine(runtime, file);
  const text = await readTextFile(full, 'config file', MAX_CONFIG_BYTES);
  try {
    return { path: full, text, body: parseYaml(text) };
  } catch (error) {
    if (error instanceof YamlSyntaxError) {
      throw new ToolError(`The config file ${full} is not valid JSON or YAML`, error.message, 'Fix the syntax at that line and call again', 'CONFIG_FILE_SYNTAX');
    }
    if (error instanceof YamlExpansionError) {
      throw new ToolError(`Refused to read the config file ${full}`, error.message, 'A create body holds a few dozen values: check that this is the right file', 'CONFIG_FILE_TOO_MANY_VALUES');
    }
    throw error;
  }
}
