/**
 * Newline-delimited JSON-RPC frames from a byte stream, with a size limit that never buffers past it. A frame
 * over the limit is not kept: its bytes stream through a scanner that reads only what the reply needs from its
 * top level (the `id`, and whether it is a response), so the server can answer "too large" for the right
 * request and go on reading the next frame.
 */

/** What the top level of a frame says about it, read without keeping the frame. */
export interface FrameHead {
  /** The top-level `id` when it is a string or a number, else null (as JSON-RPC requires when it is unknown). */
  id: string | number | null;
  /** It carries `result` or `error` and no `method`: a response, which must never be answered. */
  isResponse: boolean;
}

export type Frame = { kind: 'message'; text: string } | { kind: 'oversized'; bytes: number; head: FrameHead };

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
/** Longer keys are none of id/method/result/error; longer ids are not worth answering with. */
const MAX_KEY_BYTES = 8;
const MAX_ID_BYTES = 256;

export class FrameSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private scanner: TopLevelScanner | undefined;

  constructor(private readonly maxBytes: number) {}

  /** The frames that `chunk` completes, in order; an unfinished tail waits for the next chunk. */
  *push(chunk: Buffer): Generator<Frame> {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      this.take(chunk.subarray(start, newline === -1 ? chunk.length : newline));
      if (newline === -1) return;
      yield this.finish();
      start = newline + 1;
    }
  }

  private take(piece: Buffer): void {
    this.size += piece.length;
    if (this.scanner) {
      this.scanner.feed(piece);
    } else if (this.size > this.maxBytes) {
      this.scanner = new TopLevelScanner();
      for (const part of this.parts) this.scanner.feed(part);
      this.scanner.feed(piece);
      this.parts = [];
    } else {
      this.parts.push(piece);
    }
  }

  private finish(): Frame {
    const frame: Frame = this.scanner
      ? { kind: 'oversized', bytes: this.size, head: this.scanner.head() }
      : { kind: 'message', text: Buffer.concat(this.parts).toString('utf8').replace(/\r$/, '') };
    this.parts = [];
    this.size = 0;
    this.scanner = undefined;
    return frame;
  }
}

/**
 * A byte-level walk over JSON text that tracks nesting and strings, and keeps only the top-level keys that
 * matter and the raw text of the top-level `id` (capped). Structural characters are ASCII, so walking UTF-8
 * bytes is exact.
 */
export class TopLevelScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** At depth 1, after `{` or `,`: the next string is a key. */
  private expectKey = false;
  /** The key whose value is being read at depth 1. */
  private valueOf: string | undefined;
  private capturing: 'key' | 'id' | undefined;
  private captured: number[] = [];
  private capturedTooLong = false;
  private lastKey: string | undefined;
  private readonly keys = new Set<string>();
  private idText: string | undefined;

  feed(bytes: Buffer): void {
    // Where the next quote and backslash are, found natively and reused until passed, so that skipping string
    // content (the bulk of a large frame) stays linear however the two are interleaved. -1: none left.
    let quoteAt = -2;
    let backslashAt = -2;
    for (let i = 0; i < bytes.length; i++) {
      if (this.inString && !this.escaped && !this.capturing) {
        if (quoteAt !== -1 && quoteAt < i) quoteAt = bytes.indexOf(QUOTE, i);
        if (backslashAt !== -1 && backslashAt < i) backslashAt = bytes.indexOf(BACKSLASH, i);
        const stop = quoteAt === -1 ? backslashAt : backslashAt === -1 ? quoteAt : Math.min(quoteAt, backslashAt);
        if (stop === -1) return;
        i = stop;
      }
      const byte = bytes[i] as number;
      if (this.inString) this.stringByte(byte);
      else this.structuralByte(byte);
    }
  }

  head(): FrameHead {
    this.endCapture();
    const isResponse = !this.keys.has('method') && (this.keys.has('result') || this.keys.has('error'));
    return { id: parseId(this.idText), isResponse };
  }

  private stringByte(byte: number): void {
    if (this.escaped) this.escaped = false;
    else if (byte === BACKSLASH) this.escaped = true;
    else if (byte === QUOTE) {
      this.inString = false;
      if (this.capturing === 'id') this.capture(byte);
      this.endCapture();
      return;
    }
    this.capture(byte);
  }

  private structuralByte(byte: number): void {
    switch (byte) {
      case QUOTE:
        this.inString = true;
        if (this.depth === 1 && this.expectKey) this.startCapture('key');
        else if (this.readingId()) {
          this.startCapture('id');
          this.capture(byte);
        }
        return;
      case OPEN_OBJECT:
      case OPEN_ARRAY:
        this.endCapture();
        // An object or array as the id is not an id: leave idText unset.
        if (this.readingId()) this.valueOf = undefined;
        this.depth += 1;
        this.expectKey = this.depth === 1 && byte === OPEN_OBJECT;
        return;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        this.endCapture();
        this.depth -= 1;
        return;
      case COLON:
        this.endCapture();
        if (this.depth === 1) {
          this.valueOf = this.lastKey;
          this.expectKey = false;
        }
        return;
      case COMMA:
        this.endCapture();
        if (this.depth === 1) {
          this.valueOf = undefined;
          this.expectKey = true;
        }
        return;
      default:
        if (byte <= 0x20) this.endCapture();
        else if (this.capturing === 'id') this.capture(byte);
        else if (this.readingId()) {
          this.startCapture('id');
          this.capture(byte);
        }
    }
  }

  /** At the start of the top-level `id` value. */
  private readingId(): boolean {
    return this.depth === 1 && this.valueOf === 'id' && this.capturing === undefined;
  }

  private startCapture(kind: 'key' | 'id'): void {
    this.capturing = kind;
    this.captured = [];
    this.capturedTooLong = false;
  }

  private capture(byte: number): void {
    if (!this.capturing || this.capturedTooLong) return;
    if (this.captured.length >= (this.capturing === 'key' ? MAX_KEY_BYTES : MAX_ID_BYTES)) this.capturedTooLong = true;
    else this.captured.push(byte);
  }

  private endCapture(): void {
    if (!this.capturing) return;
    const text = this.capturedTooLong ? undefined : Buffer.from(this.captured).toString('utf8');
    if (this.capturing === 'key') {
      this.lastKey = text;
      if (text !== undefined) this.keys.add(text);
    } else {
      // As in JSON.parse, a repeated `id` key wins over the earlier one; one too long leaves the id unknown.
      this.idText = text ?? '';
      this.valueOf = undefined;
    }
    this.capturing = undefined;
  }
}

function parseId(text: string | undefined): string | number | null {
  if (!text) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) ? value : null;
  } catch {
    return null;
  }
}
