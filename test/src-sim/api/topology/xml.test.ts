import { describe, expect, it } from 'vitest';
import { parseXml, XmlSyntaxError } from '../../../../src-sim/api/topology/xml';

describe('tiny XML reader', () => {
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
    expect(() => parseXml('<a>\n  <b></c>\n</a>', 'bad.xml')).toThrow('bad.xml:2:8: </b> (element opened at 2:3), found </c>');
  });

  it('refuses an unterminated element and trailing content', () => {
    expect(() => parseXml('<a><b/>', 'u.xml')).toThrow(XmlSyntaxError);
    expect(() => parseXml('<a/><b/>', 'two.xml')).toThrow('two.xml:1:5: nothing after the root element </a>');
    expect(() => parseXml('', 'empty.xml')).toThrow('empty.xml:1:1: a root element');
  });

  it('refuses an attribute given twice and an unknown entity', () => {
    expect(() => parseXml('<a x="1" x="2"/>', 'd.xml')).toThrow('d.xml:1:10: attribute x only once in <a>');
    expect(() => parseXml('<a x="&nbsp;"/>', 'e.xml')).toThrow('a known entity');
  });
});
