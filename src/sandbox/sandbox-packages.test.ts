import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SANDBOX_PACKAGES, assertSandboxPackages, missingSandboxPackages } from './sandbox-packages.js';

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as Record<string, Record<string, string> | undefined>;

const notFound = (name: string) => Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });

describe('the sandbox packages', () => {
  it('are devDependencies with the ranges package.json gives, never installed with the package', () => {
    for (const [name, range] of Object.entries(SANDBOX_PACKAGES)) {
      expect(manifest.devDependencies?.[name], name).toBe(range);
      expect(manifest.dependencies?.[name], name).toBeUndefined();
      expect(manifest.optionalDependencies?.[name], name).toBeUndefined();
    }
  });

  it('are all found in a checkout', () => {
    expect(missingSandboxPackages()).toEqual([]);
    expect(() => assertSandboxPackages()).not.toThrow();
  });

  it('missing, one line names exactly the missing ones with their ranges and the npm command', () => {
    const find = (name: string) => {
      if (name === '@duckdb/node-api' || name === 'selfsigned') throw notFound(name);
    };
    expect(() => assertSandboxPackages(find)).toThrow(
      /^the sandbox needs packages the npm package does not install \(DuckDB is ~70 MB\): run npm i -g @duckdb\/node-api@\^1\.5\.6-r\.1 selfsigned@\^5\.5\.0 \(in a checkout of the repository: npm ci\)$/,
    );
  });

  it('present but exporting no main entry still counts as present', () => {
    const find = () => {
      throw Object.assign(new Error('No "exports" main defined'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
    };
    expect(missingSandboxPackages(find)).toEqual([]);
  });
});
