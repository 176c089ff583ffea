import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPTIONS_REVIEW } from '../../../src-sim/scenario/options-review';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const schema = JSON.parse(readFileSync(path.join(repoRoot, 'resources/schema/scenario.schema.json'), 'utf8')) as unknown;

type Node = { properties?: Record<string, Node>; items?: Node; anyOf?: Node[]; oneOf?: Node[]; allOf?: Node[]; const?: unknown };

/**
 * The node's properties, with those of every union branch: a branch told apart by a
 * `type` constant (a run type) names its fields `{TYPE}.field`, and its `type` key is one
 * option for all branches.
 */
function objectProperties(n: Node): [string, Node][] {
  const own: [string, Node][] = Object.entries(n.properties ?? {});
  const branches = [...(n.anyOf ?? []), ...(n.oneOf ?? []), ...(n.allOf ?? [])].flatMap((b) => {
    const tag = b.properties?.type?.const;
    if (typeof tag !== 'string') return objectProperties(b);
    return objectProperties(b).map(([k, v]): [string, Node] => [k === 'type' ? k : `{${tag}}.${k}`, v]);
  });
  return [...own, ...branches];
}

/** Leaf option paths: a property whose value has no sub-properties (maps like sysctl count as one option). */
function leafPaths(n: Node, prefix: string, out: Set<string>): Set<string> {
  for (const [key, child] of objectProperties(n)) {
    const p = !prefix ? key : key.startsWith('{') ? `${prefix}${key}` : `${prefix}.${key}`;
    const inner = child.items ?? child;
    const innerPrefix = child.items ? `${p}[]` : p;
    if (objectProperties(inner).length === 0) out.add(p);
    else leafPaths(inner, innerPrefix, out);
  }
  return out;
}

const schemaPaths = [...leafPaths(schema as Node, '', new Set())].sort();

describe('scenario options review (issue 14: no option silently ignored)', () => {
  it('enumerates the schema (sanity: known options are found)', () => {
    expect(schemaPaths).toEqual(expect.arrayContaining(['machine.nics[].rx_usecs', 'tasks[].run{workingset}.theta', 'tasks[].run{send}.port', 'timeline[].plug.bad_sectors[].op', 'kernel.sysctl']));
    expect(schemaPaths.length).toBeGreaterThan(100);
  });

  it('every schema option has a reviewed entry in src-sim/scenario/options-review.ts', () => {
    expect(schemaPaths.filter((p) => !(p in OPTIONS_REVIEW))).toEqual([]);
  });

  it('no review entry names an option the schema no longer has', () => {
    expect(Object.keys(OPTIONS_REVIEW).filter((p) => !schemaPaths.includes(p))).toEqual([]);
  });

  it('every "used" entry names modules whose source reads the resolved field', () => {
    const stale: string[] = [];
    for (const [option, review] of Object.entries(OPTIONS_REVIEW)) {
      if (review.status !== 'used' && review.status !== 'outside-model') continue;
      expect(review.in.length, option).toBeGreaterThan(0);
      for (const module of review.in) {
        // The scenario folder only parses and resolves; a "used" option must be read by the model.
        if (review.status === 'used') expect(module.startsWith('src-sim/') && !module.startsWith('src-sim/scenario/'), `${option}: ${module} is not a model module`).toBe(true);
        const file = path.join(repoRoot, module);
        if (!existsSync(file)) {
          stale.push(`${option}: ${module} does not exist`);
          continue;
        }
        const source = readFileSync(file, 'utf8');
        if (!new RegExp(`\\b${review.field}\\b`).test(source)) stale.push(`${option}: ${module} does not mention ${review.field}`);
      }
    }
    expect(stale).toEqual([]);
  });
});
