/** The price settings file named by `AIGW_PRICES_FILE` (JSON or YAML): read with the state-file guards. */
import path from 'node:path';
import { ToolError } from '../shared/tool-error.js';
import { checkPrices, type PriceTable } from '../governance/usage/prices.js';
import { readTextFile } from '../state/read-text-file.js';
import { parseYaml } from '../state/bounded-yaml.js';

/** A price list is a few KB. */
const MAX_PRICE_FILE_BYTES = 1024 * 1024;

/** Reads the settings file with the same guards as state files: size cap, no alias bombs, no echoed contents. */
export async function loadPriceFile(file: string, cwd: string): Promise<PriceTable> {
  const full = path.resolve(cwd, file);
  let text: string;
  try {
    text = await readTextFile(full, 'price file', MAX_PRICE_FILE_BYTES);
  } catch (error) {
    throw new ToolError(`Cannot read the price file ${full}`, error instanceof ToolError ? error.why : String(error), 'Fix AIGW_PRICES_FILE or pass prices in the input', 'PRICES_INVALID');
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new ToolError(`The price file ${full} does not parse`, firstLine((error as Error).message), 'Fix the file: a map of served entity → {input_per_million, output_per_million}', 'PRICES_INVALID');
  }
  return checkPrices(data, full);
}


function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
