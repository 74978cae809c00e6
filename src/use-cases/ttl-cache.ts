/**
 * Short-lived answers shared across calls through the runtime: which usage source a principal can read, where
 * an endpoint's payload table is. Both change rarely, and re-asking costs a round trip to the warehouse on
 * every call. Only successes are kept; a refusal is asked again next time.
 */
import type { Runtime } from '../runtime.js';

interface Entry<T> {
  value: Promise<T>;
  expires: number;
}

export async function cached<T>(runtime: Runtime, space: string, key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
  const entries = runtime.service(`ttl-cache:${space}`, () => new Map<string, Entry<T>>());
  const now = Date.now();
  const hit = entries.get(key);
  if (hit && hit.expires > now) return hit.value;
  const value = load();
  entries.set(key, { value, expires: now + ttlMs });
  value.catch(() => {
    if (entries.get(key)?.value === value) entries.delete(key);
  });
  return value;
}
