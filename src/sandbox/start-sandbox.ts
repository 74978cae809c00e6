/**
 * The embedded local workspace: a Databricks stand-in that the product's real clients (undici,
 * @databricks/sql) talk to over HTTPS. Tests and the `sandbox` command start it here.
 */
import type { Sandbox, SandboxOptions } from './sandbox-contract.js';
import { launchSandbox } from './launch.js';

export type { Sandbox, SandboxOptions } from './sandbox-contract.js';

export function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  return launchSandbox(opts, async (warehouseOpts) => {
    // Imported on demand: DuckDB loads only when a sandbox starts, never when the CLI or server merely import this.
    const { createWarehouse } = await import('./warehouse/create-warehouse.js');
    return createWarehouse(warehouseOpts);
  });
}
