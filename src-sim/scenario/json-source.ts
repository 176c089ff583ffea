import type { SourceSpan } from './source';

type Result = { value: unknown; spans: Map<string, SourceSpan> } | { error: string; offset: number };

class JsonSyntax extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

// A scenario is a few levels deep; this only keeps a hostile file from overflowing the stack.
const MAX_DEPTH = 200;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/**
 * A small JSON reader (RFC 8259) that remembers where every value and key
 * starts, so errors in a JSON scenario get a LINE:COL like YAML ones.
 * JSON.parse gives no usable position; duplicate keys are refused here,
 * as the YAML loader refuses them.
 */
export function parseJsonWithPositions(text: string): Result {
  const spans = new Map<string, SourceSpan>();
  let i = 0;

  const ws = (): void => {
    while (i < text.length && /[ \t\n\r]/.test(text[i]!)) i++;
  };
  const describe = (): string => (i >= text.length ? 'end of input' : JSON.stringify(text[i]));
  const expect = (what: string): never => {
    throw new JsonSyntax(`expected ${what}, found ${describe()}`, i);
  };
  const str = (): string => {
    STRING.lastIndex = i;
    const m = STRING.exec(text);
    if (!m) expect('a string in double quotes');
    i += m![0].length;
    return JSON.parse(m![0]) as string;
  };

  const value = (path: (string | number)[], key?: number): unknown => {
    ws();
    if (path.length > MAX_DEPTH) throw new JsonSyntax(`nesting deeper than ${MAX_DEPTH} levels`, i);
    const start = i;
    const span: SourceSpan = { value: start };
    if (key !== undefined) span.key = key;
    spans.set(JSON.stringify(path), span);
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        const keyAt = i;
        const k = str();
        if (Object.prototype.hasOwnProperty.call(obj, k)) throw new JsonSyntax(`duplicate key ${JSON.stringify(k)}`, keyAt);
        ws();
        if (text[i] !== ':') expect('":"');
        i++;
        // defineProperty: a "__proto__" key stays a key (and is refused as unknown), as in JSON.parse.
        Object.defineProperty(obj, k, { value: value([...path, k], keyAt), enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        expect('"," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value([...path, arr.length]));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        expect('"," or "]"');
      }
    }
    if (c === '"') return str();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        span.raw = word;
        return v;
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) return expect('a value (object, array, string, number, true, false or null)');
    i += m[0].length;
    span.raw = m[0];
    return Number(m[0]);
  };

  try {
    const v = value([]);
    ws();
    if (i < text.length) expect('end of input');
    return { value: v, spans };
  } catch (e) {
    if (e instanceof JsonSyntax) return { error: e.message, offset: e.offset };
    throw e;
  }
}
