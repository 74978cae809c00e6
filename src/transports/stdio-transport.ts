/**
 * The stdio wire under the SDK's serveStdio: one JSON-RPC message per line on stdin and stdout, where every
 * frame the server cannot take gets an answer instead of silence. The SDK's own stdio transport skips lines
 * that are not JSON, drops messages of the wrong shape without a reply, and closes the connection when a line
 * passes its 10 MiB buffer, so a client would wait forever on a session that is already dead. Here a line over
 * the limit is discarded as it streams in and answered "too large" for its id; a line that is not JSON gets a
 * parse error; a request of the wrong shape gets "invalid request" with its id; and the session goes on.
 */
import process from 'node:process';
import type { Readable, Writable } from 'node:stream';
import { INVALID_REQUEST, PARSE_ERROR, parseJSONRPCMessage, type JSONRPCMessage, type Transport } from '@modelcontextprotocol/server';
import { MAX_MESSAGE_BYTES } from './message-limits.js';
import { FrameSplitter, type Frame } from './stdio-frames.js';

type RequestId = string | number;

export class StdioWire implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private readonly frames: FrameSplitter;
  private closed = false;

  constructor(
    private readonly input: Readable = process.stdin,
    private readonly output: Writable = process.stdout,
    private readonly maxMessageBytes = MAX_MESSAGE_BYTES,
  ) {
    this.frames = new FrameSplitter(maxMessageBytes);
  }

  async start(): Promise<void> {
    this.input.on('data', this.onData);
    this.input.on('end', this.onEnd);
    this.input.on('close', this.onEnd);
    this.input.on('error', this.onInputError);
    this.output.on('error', this.onOutputError);
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the stdio connection is closed'));
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => {
        this.output.off('drain', onDrain);
        reject(error);
      };
      const onDrain = () => {
        this.output.off('error', onError);
        resolve();
      };
      this.output.once('error', onError);
      if (this.output.write(`${JSON.stringify(message)}\n`)) {
        this.output.off('error', onError);
        resolve();
      } else {
        this.output.once('drain', onDrain);
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.input.off('data', this.onData);
    this.input.off('end', this.onEnd);
    this.input.off('close', this.onEnd);
    this.input.off('error', this.onInputError);
    // Late write failures (the client already gone) have nowhere to go; keep them from crashing the process.
    this.output.off('error', this.onOutputError);
    this.output.on('error', () => undefined);
    this.input.pause();
    this.onclose?.();
  }

  private readonly onData = (chunk: Buffer | string): void => {
    for (const frame of this.frames.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)) this.receive(frame);
  };

  private readonly onEnd = (): void => void this.close();

  private readonly onInputError = (error: Error): void => this.onerror?.(error);

  private readonly onOutputError = (error: Error): void => {
    this.onerror?.(error);
    void this.close();
  };

  private receive(frame: Frame): void {
    if (frame.kind === 'oversized') {
      const what = `a message of ${frame.bytes} bytes, over this server's limit of ${this.maxMessageBytes} bytes`;
      if (frame.head.isResponse) this.onerror?.(new Error(`dropped ${what} (a response, which cannot be answered)`));
      else this.refuse(frame.head.id, INVALID_REQUEST, `Request too large: ${what}. Send smaller arguments: name files by path rather than inlining them`);
      return;
    }
    if (frame.text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(frame.text);
    } catch (error) {
      this.refuse(null, PARSE_ERROR, `Parse error: the line is not JSON (${error instanceof Error ? error.message : String(error)}). Send one JSON-RPC message per line`);
      return;
    }
    let message: JSONRPCMessage;
    try {
      message = parseJSONRPCMessage(value);
    } catch {
      this.refuseMalformed(value);
      return;
    }
    this.onmessage?.(message);
  }

  /** A JSON value that is not a JSON-RPC message: answer it unless it is a response (responses are never answered). */
  private refuseMalformed(value: unknown): void {
    const object = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
    if (object && !('method' in object) && ('result' in object || 'error' in object)) {
      this.onerror?.(new Error('dropped a response of the wrong shape (a response cannot be answered)'));
      return;
    }
    const id = object && (typeof object.id === 'string' || (typeof object.id === 'number' && Number.isFinite(object.id))) ? object.id : null;
    this.refuse(id, INVALID_REQUEST, `Invalid Request: ${malformation(object)}. Send {"jsonrpc": "2.0", "id": <number or string>, "method": "<name>", "params": {…}}`);
  }

  private refuse(id: RequestId | null, code: number, message: string): void {
    // An error response with a null id is what JSON-RPC prescribes when the id cannot be read.
    this.send({ jsonrpc: '2.0', id, error: { code, message } } as unknown as JSONRPCMessage).catch((error: unknown) => this.onerror?.(error instanceof Error ? error : new Error(String(error))));
  }
}

/** Why a parsed value is not a JSON-RPC request, in the words of the request's own fields. */
function malformation(object: Record<string, unknown> | undefined): string {
  if (!object) return 'the message is not a JSON object (batches are not supported)';
  if (object.jsonrpc !== '2.0') return '"jsonrpc" must be "2.0"';
  if ('id' in object && typeof object.id !== 'string' && typeof object.id !== 'number') return '"id" must be a number or a string';
  if (typeof object.method !== 'string') return '"method" must be a string';
  if ('params' in object && (typeof object.params !== 'object' || object.params === null || Array.isArray(object.params))) return '"params" must be an object';
  return 'the message does not have the shape of a JSON-RPC request or notification';
}
