/** Streamable HTTP transport (issue 6). */
import type { Runtime } from './runtime.js';

export async function serveHttp(_runtime: Runtime, _options: { host?: string; port?: number }): Promise<void> {
  throw new Error('--http is not available yet');
}
