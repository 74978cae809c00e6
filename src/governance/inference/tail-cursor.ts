/**
 * The opaque paging cursor of an inference-table tail: base64url of a keyset position (request_time, databricks_request_id)
 * in the payload table's order, the direction to read from it, and a fingerprint of the table and filters it
 * belongs to, sealed with an HMAC so an edited or foreign cursor is refused instead of silently skipping rows.
 */
import { createHash, createHmac, timingSafeEqual } from '../../shared/lazy-crypto.js';
import { ToolError } from '../../shared/tool-error.js';

export type CursorDirection = 'older' | 'newer';

export interface CursorPosition {
  direction: CursorDirection;
  /** request_time exactly as the warehouse printed it (full precision). */
  time: string;
  requestId: string;
  /** Binds the cursor to one table and filter set. */
  fingerprint: string;
}

const VERSION = 1;
const TAG_BYTES = 16;

export function fingerprintOf(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

export function encodeCursor(position: CursorPosition, key: Buffer): string {
  const body = Buffer.from(JSON.stringify({ v: VERSION, d: position.direction, t: position.time, i: position.requestId, f: position.fingerprint }));
  const tag = createHmac('sha256', key).update(body).digest().subarray(0, TAG_BYTES);
  return `${body.toString('base64url')}.${tag.toString('base64url')}`;
}

export function decodeCursor(token: string, key: Buffer, fingerprint: string): CursorPosition {
  const [bodyText, tagText, extra] = token.split('.');
  if (!bodyText || !tagText || extra !== undefined) throw invalid('it is not a cursor this tool returned');
  const body = Buffer.from(bodyText, 'base64url');
  const tag = Buffer.from(tagText, 'base64url');
  const expected = createHmac('sha256', key).update(body).digest().subarray(0, TAG_BYTES);
  if (tag.length !== expected.length || !timingSafeEqual(tag, expected)) {
    throw invalid('its seal does not match: it was edited, or it comes from an earlier run of the server');
  }
  const data = JSON.parse(body.toString('utf8')) as { v?: number; d?: string; t?: string; i?: string; f?: string };
  if (data.v !== VERSION || (data.d !== 'older' && data.d !== 'newer') || typeof data.t !== 'string' || typeof data.i !== 'string') {
    throw invalid('its content is not understood');
  }
  if (data.f !== fingerprint) throw invalid('it belongs to another table or other filters than this call');
  return { direction: data.d, time: data.t, requestId: data.i, fingerprint: data.f };
}

function invalid(why: string): ToolError {
  return new ToolError('The cursor cannot be used', why, 'Call again without cursor (keeping the same filters) to start from the newest rows', 'CURSOR_INVALID');
}
