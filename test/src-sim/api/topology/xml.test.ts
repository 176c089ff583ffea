import { describe, expect, it } from 'vitest';
import { parseXml, XmlSyntaxError } from '../../../../src-sim/api/topology/xml';

describe('hwloc XML reader (saxes)', () => {
  it('reads nested elements, attributes, entities and text', () => {
    const root = parseXml(
      '<?xml version="1.0"?>\n<!DOCTYPE topology SYSTEM "hwloc2.dtd">\n<topology version="2.0"><!-- c --><a x="1 &amp; 2" y=\'&lt;&#65;&#x42;\'/><b>10 20 </b></topology>',
      't.xml',
    );
    expect(root.name).toBe('topology');
    expect(root.attrs['version']).toBe('2.0');
    expect(root.children.map((c) => c.name)).toEqual(['a', 'b']);
    expect(root.children[0]!.attrs).toEqual({ x: '1 & 2', y: '<AB' });
    expect(root.children[1]!.text).toBe('10 20 ');
    expect(root.children[0]!.line).toBe(3);
  });

  it('names the file, line and column of a mismatched end tag', () => {
    expect(() => parseXml('<a>\n  <b></c>\n</a>', 'bad.xml')).toThrow('bad.xml:2:9: unexpected close tag');
  });

  it('refuses an unterminated element and trailing content', () => {
    expect(() => parseXml('<a><b/>', 'u.xml')).toThrow(XmlSyntaxError);
    expect(() => parseXml('<a/><b/>', 'two.xml')).toThrow('two.xml:1:7: documents may contain only one root');
    expect(() => parseXml('', 'empty.xml')).toThrow('empty.xml:1:1: document must contain a root element');
  });

  it('refuses an attribute given twice and an unknown entity', () => {
    expect(() => parseXml('<a x="1" x="2"/>', 'd.xml')).toThrow('d.xml:1:16: duplicate attribute: x');
    expect(() => parseXml('<a x="&nbsp;"/>', 'e.xml')).toThrow('e.xml:1:12: undefined entity');
  });

  it('refuses a code point past U+10FFFF with its position (was "Invalid code point", exit 1)', () => {
    expect(() => parseXml('<a x="&#x110000;"/>', 'c.xml')).toThrow('c.xml:1:16: malformed character entity');
  });

  it('refuses 50 000 nested elements with a located error (was a stack overflow)', () => {
    expect(() => parseXml(`<a>${'<b>'.repeat(50_000)}`, 'deep.xml')).toThrow('deep.xml:1:771: elements nested at most 256 deep');
  });

  it('refuses a DOCTYPE with an internal subset (entity definitions)', () => {
    expect(() => parseXml('<!DOCTYPE a [ <!ENTITY x "y"> ]><a/>', 'dt.xml')).toThrow('dt.xml:1:32: a DOCTYPE without an internal subset');
  });
});
