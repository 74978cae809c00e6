/**
 * Short-lived answers shared across calls through the runtime: which usage source a principal can read, where
 * an endpoint's payload table is. Both change rarely, and re-asking costs a round trip to the warehouse on
 * every call. Only successes are kept; a refusal is asked again next time. Answers are kept per identity: what
 * one caller may read says nothing of another (runtime.identityKey).
 */
import type { Runtime } from '../runtime/process-runtime.js';

interface Entry<T> {
  value: Promise<T>;
  expires: number;
}

export async function cached<T>(runtime: Runtime, space: string, key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
  const entries = runtime.service(`ttl-cache:${space}`, () => new Map<string, Entry<T>>());
  const whose = `${runtime.identityKey}|${key}`;
  const now = Date.now();
  const hit = entries.get(whose);
  if (hit && hit.expires > now) return hit.value;
  const value = load();
  entries.set(whose, { value, expires: now + ttlMs });
  value.catch(() => {
    if (entries.get(whose)?.value === value) entries.delete(whose);
  });
  return value;
}
