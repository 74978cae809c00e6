/**
 * The embedded local workspace: a Databricks stand-in that the product's real clients (undici,
 * @databricks/sql) talk to over HTTPS. Tests and the `sandbox` command start it here.
 */
import type { Sandbox, SandboxOptions } from './sandbox-contract.js';
import { assertSandboxPackages } from './sandbox-packages.js';

export type { Sandbox, SandboxOptions } from './sandbox-contract.js';

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  // Before anything imports them: without the sandbox's packages, one line saying what to install.
  assertSandboxPackages();
  const { launchSandbox } = await import('./launch.js');
  return launchSandbox(opts, async (warehouseOpts) => {
    // Imported on demand: DuckDB loads only when a sandbox starts, never when the CLI or server merely import this.
    const { createWarehouse } = await import('./warehouse/create-warehouse.js');
    return createWarehouse(warehouseOpts);
  });
}
