/**
 * Faults a test switches on to see how the product copes with a misbehaving workspace. Each fault fires
 * `times` times (default once) for the requests its `match` selects, then retires itself.
 */
import type { Fault, FaultController, FaultMatch } from './sandbox-contract.js';

interface ActiveFault {
  fault: Fault;
  remaining: number;
  /** Matching requests still to let pass before the fault fires. */
  skip: number;
}

interface FaultTarget {
  method?: string;
  path?: string;
  endpoint?: string;
}

function matches(match: FaultMatch | undefined, target: FaultTarget): boolean {
  if (!match) return true;
  if (match.method && match.method.toUpperCase() !== target.method?.toUpperCase()) return false;
  if (match.pathPrefix && !(target.path ?? '').startsWith(match.pathPrefix)) return false;
  return true;
}

function applies(fault: Fault, target: FaultTarget): boolean {
  switch (fault.kind) {
    case 'config-update':
      return fault.endpoint === undefined || fault.endpoint === target.endpoint;
    case 'refuse-sessions':
      return true;
    case 'concurrent-write':
      // A workspace path names the same file with or without its /Workspace mount prefix.
      return fault.path.replace(/^\/Workspace(?=\/)/, '') === target.path;
    default:
      return matches(fault.match, target);
  }
}

export function createFaultController(): FaultController {
  const active: ActiveFault[] = [];
  const remove = (entry: ActiveFault): void => {
    const at = active.indexOf(entry);
    if (at >= 0) active.splice(at, 1);
  };
  return {
    add(fault) {
      const remaining = fault.times ?? 1;
      if (!(remaining > 0)) throw new RangeError(`Fault ${fault.kind}: times must be positive (got ${remaining}).`);
      const entry: ActiveFault = { fault, remaining, skip: fault.kind === 'concurrent-write' ? (fault.skip ?? 0) : 0 };
      active.push(entry);
      return () => remove(entry);
    },
    clear() {
      active.length = 0;
    },
    take(kind, target = {}) {
      const entry = active.find((e) => e.fault.kind === kind && applies(e.fault, target));
      if (!entry) return undefined;
      if (entry.skip > 0) {
        entry.skip -= 1;
        return undefined;
      }
      entry.remaining -= 1;
      if (entry.remaining <= 0) remove(entry);
      return entry.fault as Extract<Fault, { kind: typeof kind }>;
    },
  };
}
