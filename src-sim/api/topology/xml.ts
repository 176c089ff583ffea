/**
 * A tiny XML reader for the files hwloc writes (`lstopo --of xml`): elements,
 * attributes, character data, comments, the XML declaration and a DOCTYPE
 * without an internal subset. No namespaces, no DTD validation, no external
 * entities — hwloc's writer (hwloc/topology-xml-nolibxml.c) emits none of them.
 * Pure TypeScript so it runs in the simulator layer (no DOMParser there).
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated character data directly inside this element. */
  text: string;
  /** 1-based position of the start tag, for error messages. */
  line: number;
  col: number;
}

export class XmlSyntaxError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly expected: string,
  ) {
    super(`${file}:${line}:${col}: ${expected}`);
    this.name = 'XmlSyntaxError';
  }
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Parses `text` into its root element. `file` names the input in errors. */
export function parseXml(text: string, file: string): XmlElement {
  let pos = 0;
  const lineStarts: number[] = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);

  const where = (at: number): { line: number; col: number } => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: at - lineStarts[lo]! + 1 };
  };
  const fail = (at: number, expected: string): never => {
    const { line, col } = where(at);
    throw new XmlSyntaxError(file, line, col, expected);
  };
  const decode = (raw: string, at: number): string =>
    raw.indexOf('&') < 0
      ? raw
      : raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);?/g, (m, ent: string) => {
          if (!m.endsWith(';')) return fail(at, `an entity ending in ';' (found "${m}")`);
          if (ent.startsWith('#x')) return String.fromCodePoint(parseInt(ent.slice(2), 16));
          if (ent.startsWith('#')) return String.fromCodePoint(parseInt(ent.slice(1), 10));
          const v = NAMED_ENTITIES[ent];
          return v ?? fail(at, `a known entity (&amp; &lt; &gt; &quot; &apos;), found "&${ent};"`);
        });
  const isNameChar = (c: number): boolean =>
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46 || c === 58;
  const skipSpace = (): void => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) pos++;
      else break;
    }
  };
  const readName = (): string => {
    const start = pos;
    while (pos < text.length && isNameChar(text.charCodeAt(pos))) pos++;
    if (pos === start) fail(start, 'a tag or attribute name');
    return text.slice(start, pos);
  };
  const skipUntil = (end: string, what: string): void => {
    const i = text.indexOf(end, pos);
    if (i < 0) fail(pos, `${what} closed by "${end}"`);
    pos = i + end.length;
  };
  // Prolog: declaration, comments, DOCTYPE, whitespace.
  const skipMisc = (): void => {
    for (;;) {
      skipSpace();
      if (text.startsWith('<?', pos)) skipUntil('?>', 'a processing instruction');
      else if (text.startsWith('<!--', pos)) skipUntil('-->', 'a comment');
      else if (text.startsWith('<!DOCTYPE', pos)) {
        if (text.indexOf('[', pos) >= 0 && text.indexOf('[', pos) < text.indexOf('>', pos))
          fail(pos, 'a DOCTYPE without an internal subset ([…] is not supported)');
        skipUntil('>', 'a DOCTYPE');
      } else return;
    }
  };

  const readElement = (): XmlElement => {
    const start = pos;
    if (text.charCodeAt(pos) !== 60) fail(pos, 'an element start "<"');
    pos++;
    const { line, col } = where(start);
    const el: XmlElement = { name: readName(), attrs: {}, children: [], text: '', line, col };
    for (;;) {
      skipSpace();
      const c = text.charCodeAt(pos);
      if (c === 47 /* / */) {
        if (text.charCodeAt(pos + 1) !== 62) fail(pos, '"/>" to close the empty element');
        pos += 2;
        return el;
      }
      if (c === 62 /* > */) {
        pos++;
        break;
      }
      if (Number.isNaN(c)) fail(pos, `the end of start tag <${el.name}>`);
      const attrAt = pos;
      const an = readName();
      skipSpace();
      if (text.charCodeAt(pos) !== 61) fail(pos, `"=" after attribute ${an}`);
      pos++;
      skipSpace();
      const q = text.charCodeAt(pos);
      if (q !== 34 && q !== 39) fail(pos, `a quoted value for attribute ${an}`);
      const close = text.indexOf(q === 34 ? '"' : "'", pos + 1);
      if (close < 0) fail(pos, `the closing quote of attribute ${an}`);
      if (an in el.attrs) fail(attrAt, `attribute ${an} only once in <${el.name}>`);
      el.attrs[an] = decode(text.slice(pos + 1, close), pos);
      pos = close + 1;
    }
    // Content.
    let textParts = '';
    for (;;) {
      const lt = text.indexOf('<', pos);
      if (lt < 0) fail(pos, `the end tag </${el.name}> (element opened at ${line}:${col})`);
      if (lt > pos) textParts += decode(text.slice(pos, lt), pos);
      pos = lt;
      if (text.startsWith('</', pos)) {
        pos += 2;
        const endAt = pos;
        const n = readName();
        if (n !== el.name) fail(endAt, `</${el.name}> (element opened at ${line}:${col}), found </${n}>`);
        skipSpace();
        if (text.charCodeAt(pos) !== 62) fail(pos, `">" after </${n}`);
        pos++;
        el.text = textParts;
        return el;
      }
      if (text.startsWith('<!--', pos)) skipUntil('-->', 'a comment');
      else if (text.startsWith('<![CDATA[', pos)) {
        const end = text.indexOf(']]>', pos);
        if (end < 0) fail(pos, 'a CDATA section closed by "]]>"');
        textParts += text.slice(pos + 9, end);
        pos = end + 3;
      } else if (text.startsWith('<?', pos)) skipUntil('?>', 'a processing instruction');
      else el.children.push(readElement());
    }
  };

  skipMisc();
  if (pos >= text.length) fail(pos, 'a root element (the file is empty or has only a prolog)');
  const root = readElement();
  skipMisc();
  if (pos < text.length) fail(pos, `nothing after the root element </${root.name}>`);
  return root;
}
