/**
 * Watches the timers of one duration, to check that an operation clears the timer it armed. Counting every timer
 * in the process is racy: the test runner's own RPC, the SQL driver and the HTTP clients arm and clear timers of
 * their own at any moment, more so on a loaded machine. A duration no one else uses picks out the timer under test.
 */
import { createHook } from 'node:async_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';

export interface TimerWatch {
  /** Resolves once a timer of the watched duration is armed. */
  readonly armed: Promise<void>;
  /** How many timers of the watched duration are armed and have neither fired nor been cleared. */
  pending(): Promise<number>;
  stop(): void;
}

export function watchTimers(ms: number): TimerWatch {
  const live = new Set<number>();
  let onArmed: () => void = () => undefined;
  const armed = new Promise<void>((resolve) => (onArmed = resolve));
  const hook = createHook({
    init(asyncId, type, _trigger, resource) {
      // `_idleTimeout` is the delay a Timeout was armed with (Node has no public name for it).
      if (type !== 'Timeout' || (resource as { _idleTimeout?: number })._idleTimeout !== ms) return;
      live.add(asyncId);
      onArmed();
    },
    destroy(asyncId) {
      live.delete(asyncId);
    },
  }).enable();
  return {
    armed,
    async pending() {
      // Node delivers destroy hooks from a queue it flushes on the next check phase, ahead of this immediate.
      await nextTurn();
      return live.size;
    },
    stop() {
      hook.disable();
    },
  };
}

/** A clock a test moves by hand: real time plus what the test added, so waiting for expiry takes no sleep. */
export interface ManualClock {
  now(): number;
  advance(ms: number): void;
}

export function manualClock(): ManualClock {
  let skew = 0;
  return {
    now: () => Date.now() + skew,
    advance(ms) {
      skew += ms;
    },
  };
}

/**
 * Polls `probe` until `done` holds for its value, and returns that value. No count or time budget of its own: on a
 * loaded machine the condition may take long, and only the test's timeout ends a wait that never succeeds.
 */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, pollMs = 50): Promise<T> {
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
