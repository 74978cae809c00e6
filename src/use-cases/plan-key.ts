/**
 * The key that signs plan ids. Every process of one installation must verify the ids any of them issued
 * (clients that start a process per call, restarts, HTTP replicas), so the key is AIGW_PLAN_SECRET when set,
 * else a random key kept in the user's config folder and created once, atomically, readable by the user only.
 */
import { randomBytes } from '../shared/lazy-crypto.js';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { planKey } from '../governance/plan-id.js';
import type { Runtime } from '../runtime/process-runtime.js';

export function planSigningKey(runtime: Runtime): Buffer {
  return runtime.service('gateway.plan-key', () => planKey(runtime.env.AIGW_PLAN_SECRET) ?? installationKey(runtime.env));
}

/** `$AIGW_CONFIG_DIR`, else `$XDG_CONFIG_HOME/ai-gateway-mcp`, else `~/.config/ai-gateway-mcp`. */
function configDir(env: NodeJS.ProcessEnv): string {
  if (env.AIGW_CONFIG_DIR) return path.resolve(env.AIGW_CONFIG_DIR);
  return path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'ai-gateway-mcp');
}

function installationKey(env: NodeJS.ProcessEnv): Buffer {
  const dir = configDir(env);
  const file = path.join(dir, 'plan-key');
  const existing = readKey(file);
  if (existing) return existing;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Write aside, then rename: a reader never sees half a key, and the first of two racing writers loses nothing.
    const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(temp, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    renameSync(temp, file);
  } catch {
    // A read-only home: plan ids then hold for this process only, as before.
    return readKey(file) ?? randomBytes(32);
  }
  return readKey(file) ?? randomBytes(32);
}

function readKey(file: string): Buffer | undefined {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return /^[0-9a-f]{64}$/.test(text) ? Buffer.from(text, 'hex') : undefined;
  } catch {
    return undefined;
  }
}
