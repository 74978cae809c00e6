/**
 * Operations (statements) and sessions of the warehouse. A statement runs asynchronously on its own DuckDB
 * connection, so the driver sees RUNNING while DuckDB works and a cancel interrupts exactly that statement.
 */
import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { fromException, type SqlError } from './warehouse-errors.js';
import type { ResultSet } from './results.js';

/** The 16 bytes of a random UUID: the driver prints handle GUIDs as UUIDs and rejects anything else. */
export function newHandle(): { id: string; guid: Buffer; secret: Buffer } {
  const id = randomUUID();
  return { id, guid: Buffer.from(id.replaceAll('-', ''), 'hex'), secret: Buffer.from(randomUUID().replaceAll('-', ''), 'hex') };
}

export const handleId = (guid: Buffer | undefined) => (guid ? guid.toString('hex') : '');

export interface Session {
  readonly key: string;
  readonly guid: Buffer;
  readonly secret: Buffer;
  readonly principal: string | undefined;
  /** The session's initial catalog and schema (Unity Catalog names), where unqualified names resolve. */
  readonly namespace: { catalog: string; schema: string } | undefined;
  readonly operations: Set<string>;
  /** STATEMENT_TIMEOUT in seconds; 0 means none. Changed by `SET STATEMENT_TIMEOUT`. */
  statementTimeoutSeconds: number;
}

export interface OperationLimits {
  /** Seconds the statement may run before it is stopped with `timeoutError`; 0 or absent: no limit. */
  timeoutSeconds?: number;
  timeoutError?: (seconds: number) => SqlError;
  /** Called once a statement stopped by its timeout has really stopped in DuckDB. */
  onTimedOut?: (op: Operation) => void;
}

export type OperationState = 'running' | 'finished' | 'error' | 'canceled' | 'closed';

export class Operation {
  readonly key: string;
  readonly guid: Buffer;
  readonly secret: Buffer;
  readonly started = Date.now();
  completed: number | undefined;
  state: OperationState = 'running';
  result: ResultSet | undefined;
  error: SqlError | undefined;
  /** Next row FetchResults returns. */
  cursor = 0;
  /** Settles when the statement stops running, whatever the outcome. */
  readonly done: Promise<void>;
  private connection: DuckDBConnection | undefined;
  /** Fires when the statement outlives its timeout; cleared as soon as it stops for any reason. */
  private deadline: NodeJS.Timeout | undefined;

  constructor(
    readonly session: Session,
    readonly statement: string,
    /** Runs the statement; calls `attach` with its connection, which answers false once the operation was stopped. */
    work: (attach: (c: DuckDBConnection) => boolean) => Promise<ResultSet>,
    limits: OperationLimits = {},
  ) {
    const h = newHandle();
    this.key = handleId(h.guid);
    this.guid = h.guid;
    this.secret = h.secret;
    const { timeoutSeconds, timeoutError, onTimedOut } = limits;
    if (timeoutSeconds && timeoutError) {
      this.deadline = setTimeout(() => {
        if (this.state !== 'running') return;
        this.state = 'error';
        this.error = timeoutError(timeoutSeconds);
        this.completed = Date.now();
        this.connection?.interrupt();
        void this.done.then(() => onTimedOut?.(this));
      }, timeoutSeconds * 1000);
    }
    this.done = work((c) => {
      this.connection = c;
      return this.state === 'running';
    }).then(
      (result) => this.settle('finished', result),
      (e: unknown) => this.settle('error', undefined, fromException(e)),
    );
  }

  private settle(state: 'finished' | 'error', result?: ResultSet, error?: SqlError) {
    clearTimeout(this.deadline);
    this.connection = undefined;
    if (this.state !== 'running') return;
    this.state = state;
    this.result = result;
    this.error = error;
    this.completed = Date.now();
  }

  /** Stops a running statement in DuckDB. Returns whether it was still running. */
  interrupt(to: 'canceled' | 'closed'): boolean {
    clearTimeout(this.deadline);
    const wasRunning = this.state === 'running';
    this.connection?.interrupt();
    if (wasRunning || to === 'closed') {
      this.state = to;
      this.completed ??= Date.now();
    }
    return wasRunning;
  }
}
