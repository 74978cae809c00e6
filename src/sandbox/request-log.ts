/**
 * Every request the sandbox received, with the bearer token it carried and whom that token names: lets tests
 * see which credentials a client really sent on each REST and SQL call (e.g. each user's own token when the
 * server acts on their behalf). Newest last, bounded.
 */
import type { LoggedRequest } from './sandbox-contract.js';

const MAX_ENTRIES = 10_000;

export class RequestLog {
  private readonly list: LoggedRequest[] = [];

  record(entry: LoggedRequest): void {
    this.list.push(entry);
    if (this.list.length > MAX_ENTRIES) this.list.splice(0, this.list.length - MAX_ENTRIES);
  }

  get entries(): ReadonlyArray<LoggedRequest> {
    return this.list;
  }
}
