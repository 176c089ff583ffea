import { SaxesParser } from 'saxes';

/**
 * The hwloc XML files (`lstopo --of xml`) read with saxes, a maintained
 * streaming (SAX) parser that checks well-formedness by the XML 1.0 spec
 * and keeps no recursion of its own. The element tree is built here with
 * an explicit stack, at most MAX_DEPTH deep, so neither a deeply nested nor
 * a malformed file can overflow the call stack. No namespaces, no DTD
 * processing, no external entities (hwloc's writer emits none); a DOCTYPE
 * with an internal subset is refused.
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

/** hwloc topologies nest about ten levels (machine, package, group, cache…, core, PU); this keeps the tree walks shallow. */
export const MAX_DEPTH = 256;

/** Parses `text` into its root element. `file` names the input in errors. */
export function parseXml(text: string, file: string): XmlElement {
  const parser = new SaxesParser({ position: true });
  const fail = (expected: string): never => {
    throw new XmlSyntaxError(file, parser.line, Math.max(1, parser.column), expected);
  };
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let pending: { line: number; col: number } | null = null;

  parser.on('error', (e) => fail(e.message.replace(/^\d+:\d+: /, '').replace(/\.$/, '')));
  parser.on('doctype', (d) => {
    if (d.includes('[')) fail('a DOCTYPE without an internal subset ([…] is not supported)');
  });
  parser.on('opentagstart', (tag) => {
    if (stack.length >= MAX_DEPTH) fail(`elements nested at most ${MAX_DEPTH} deep`);
    pending = { line: parser.line, col: Math.max(1, parser.column - tag.name.length - 1) };
  });
  parser.on('opentag', (tag) => {
    const at = pending ?? { line: parser.line, col: parser.column };
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(tag.attributes)) attrs[k] = typeof v === 'string' ? v : v.value;
    const el: XmlElement = { name: tag.name, attrs, children: [], text: '', line: at.line, col: at.col };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else if (root === null) root = el;
    if (!tag.isSelfClosing) stack.push(el);
  });
  parser.on('closetag', (tag) => {
    if (!tag.isSelfClosing) stack.pop();
  });
  parser.on('text', (t) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });
  parser.on('cdata', (t) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });

  parser.write(text).close();
  if (root === null) return fail('a root element (the file is empty or has only a prolog)');
  return root;
}
