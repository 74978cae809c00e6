import { describe, expect, it } from 'vitest';
import { FrameSplitter, type Frame } from './stdio-frames.js';

/** Feeds `text` in chunks of `size` bytes (1 = every byte boundary) and collects the frames. */
function split(text: string, maxBytes: number, size = 1): Frame[] {
  const splitter = new FrameSplitter(maxBytes);
  const bytes = Buffer.from(text);
  const frames: Frame[] = [];
  for (let i = 0; i < bytes.length; i += size) frames.push(...splitter.push(bytes.subarray(i, i + size)));
  return frames;
}

describe('FrameSplitter', () => {
  it('splits lines across any chunk boundary and drops a trailing CR', () => {
    for (const size of [1, 3, 1000]) {
      expect(split('{"a":1}\r\n{"b":"é"}\n{"c"', 100, size)).toEqual([
        { kind: 'message', text: '{"a":1}' },
        { kind: 'message', text: '{"b":"é"}' },
      ]);
    }
  });

  it('reads the top-level id of an oversized frame, wherever it is and however it is chunked', () => {
    const pad = 'p'.repeat(64);
    const cases: Array<[string, string | number | null]> = [
      [`{"id":12,"method":"x","params":{"pad":"${pad}"}}`, 12],
      [`{"method":"x","params":{"id":1,"pad":"${pad}"},"jsonrpc":"2.0","id":"a\\"b"}`, 'a"b'],
      [`{"params":{"s":"\\"id\\":3 }","pad":"${pad}"},"id" : -2.5e1 }`, -25],
      [`{"id":{"nested":1},"method":"x","pad":"${pad}"}`, null],
      [`{"method":"x","pad":"${pad}"}`, null],
      [`[{"id":1,"pad":"${pad}"}]`, null],
      [`{"id":1,"pad":"${pad}","id":"last"}`, 'last'],
      [`{"id":"${'i'.repeat(300)}","pad":"${pad}"}`, null],
    ];
    for (const [text, id] of cases) {
      for (const size of [1, 7, 4096]) {
        const [frame] = split(`${text}\n`, 32, size);
        expect(frame, `${text} in chunks of ${size}`).toMatchObject({ kind: 'oversized', bytes: Buffer.byteLength(text), head: { id } });
      }
    }
  });

  it('tells an oversized response from a request, so that it is never answered', () => {
    const pad = 'p'.repeat(64);
    expect(split(`{"jsonrpc":"2.0","id":3,"result":{"pad":"${pad}"}}\n`, 32)[0]).toMatchObject({ head: { id: 3, isResponse: true } });
    expect(split(`{"jsonrpc":"2.0","id":3,"method":"m","params":{"result":"${pad}"}}\n`, 32)[0]).toMatchObject({ head: { id: 3, isResponse: false } });
  });

  it('goes back to whole frames after an oversized one', () => {
    const frames = split(`{"id":1,"pad":"${'p'.repeat(64)}"}\n{"id":2}\n`, 32, 5);
    expect(frames.map((f) => f.kind)).toEqual(['oversized', 'message']);
    expect(frames[1]).toEqual({ kind: 'message', text: '{"id":2}' });
  });
});
