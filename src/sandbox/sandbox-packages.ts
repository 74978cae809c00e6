/**
 * The packages only the sandbox uses (DuckDB alone is ~70 MB). They are devDependencies, so `npm i -g` of the
 * package installs none of them and a checkout's `npm ci` has them all; the sandbox command, --sandbox and the
 * demo check for them first and say in one line what to install.
 */
import { createRequire } from 'node:module';

/** Name → the range package.json's devDependencies give it (a test keeps the two equal). */
export const SANDBOX_PACKAGES: Readonly<Record<string, string>> = {
  '@duckdb/node-api': '^1.5.6-r.1',
  'apache-arrow': '^13.0.0',
  'node-int64': '^0.4.0',
  selfsigned: '^5.5.0',
  thrift: '^0.23.0',
};

// Inside the CommonJS bundle (dist/bin/server.cjs) import.meta is empty and __filename is the bundle's path.
const resolve = createRequire(import.meta.url ?? __filename).resolve;

/** The sandbox packages Node cannot find from here (a package that is there but exports no main still counts as there). */
export function missingSandboxPackages(find: (name: string) => unknown = resolve): string[] {
  return Object.keys(SANDBOX_PACKAGES).filter((name) => {
    try {
      find(name);
      return false;
    } catch (error) {
      return (error as { code?: string }).code === 'MODULE_NOT_FOUND';
    }
  });
}

/** Throws one line naming the install command when a sandbox package is missing. */
export function assertSandboxPackages(find?: (name: string) => unknown): void {
  const missing = missingSandboxPackages(find);
  if (missing.length === 0) return;
  const specs = missing.map((name) => `${name}@${SANDBOX_PACKAGES[name]}`).join(' ');
  throw new Error(
    `the sandbox needs packages the npm package does not install (DuckDB is ~70 MB): run npm i -g ${specs} (in a checkout of the repository: npm ci)`,
  );
}
