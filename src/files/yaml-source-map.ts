/**
 * Maps JSON pointers into a JSON/YAML config file back to line numbers, so SARIF findings annotate the line
 * a reviewer must change. Uses the YAML parser's event stream (JSON is YAML), not a second parser.
 */
import { EVENT_ID, getScalarValue, parseEvents, type Event } from 'js-yaml';

type Frame = { kind: 'map'; path: string; key: string | undefined; expectKey: boolean } | { kind: 'seq'; path: string; index: number };

/** Returns pointer → 1-based line of the node (for a mapping entry, the line of its key). */
export function pointerLines(source: string): Map<string, number> {
  const lines = new Map<string, number>();
  let events: Event[];
  try {
    events = parseEvents(source, {});
  } catch {
    return lines;
  }
  const lineAt = lineIndex(source);
  const stack: Frame[] = [];
  let keyOffset = -1;

  const childPath = (): string | undefined => {
    const top = stack[stack.length - 1];
    if (!top) return '';
    if (top.kind === 'seq') return `${top.path}/${top.index}`;
    return top.key === undefined ? undefined : `${top.path}/${top.key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  };
  const advance = () => {
    const top = stack[stack.length - 1];
    if (top?.kind === 'seq') top.index++;
    else if (top?.kind === 'map') {
      top.expectKey = true;
      top.key = undefined;
    }
  };
  const record = (path: string | undefined, offset: number) => {
    if (path === undefined || lines.has(path)) return;
    lines.set(path, lineAt(keyOffset >= 0 ? keyOffset : offset));
  };

  for (const event of events) {
    const top = stack[stack.length - 1];
    if (event.type === EVENT_ID.SCALAR) {
      if (top?.kind === 'map' && top.expectKey) {
        top.key = getScalarValue(source, event);
        top.expectKey = false;
        keyOffset = event.valueStart;
        continue;
      }
      record(childPath(), event.valueStart);
      keyOffset = -1;
      advance();
    } else if (event.type === EVENT_ID.MAPPING || event.type === EVENT_ID.SEQUENCE) {
      const path = childPath() ?? '';
      record(path, event.start);
      keyOffset = -1;
      stack.push(event.type === EVENT_ID.MAPPING ? { kind: 'map', path, key: undefined, expectKey: true } : { kind: 'seq', path, index: 0 });
    } else if (event.type === EVENT_ID.POP) {
      if (stack.length > 0) {
        stack.pop();
        advance();
      }
    } else if (event.type === EVENT_ID.ALIAS) {
      advance();
    }
  }
  return lines;
}

/** The line of `pointer`, or of its nearest ancestor present in the file (a missing field's parent). */
export function lineOf(lines: Map<string, number>, pointer: string): number {
  let current = pointer;
  for (;;) {
    const line = lines.get(current);
    if (line !== undefined) return line;
    if (current === '') return 1;
    current = current.slice(0, current.lastIndexOf('/'));
  }
}

function lineIndex(source: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
