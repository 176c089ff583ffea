// ESLint rule: every import must be allowed by layering.config.js.
import path from 'node:path';
import { builtinModules } from 'node:module';
import { layers } from '../../layering.config.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const builtins = new Set(builtinModules);

function rel(p) {
  return path.relative(repoRoot, p).split(path.sep).join('/');
}

function under(file, root) {
  return file === root || file.startsWith(`${root}/`) || file.startsWith(`${root}.`);
}

function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

export const layeringRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports must follow the layering of docs/architecture.md (layering.config.js)' },
    schema: [],
  },
  create(context) {
    const file = rel(context.filename);
    const layer = layers.find((l) => under(file, l.root));
    if (!layer) return {};
    function check(node, spec, typeOnly) {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('.')) {
        const target = rel(path.resolve(path.dirname(context.filename), spec));
        const ok = layer.roots.some((r) => under(target, r));
        const typeOnlyRoot = (layer.typeOnlyRoots ?? []).some((r) => under(target, r));
        if (!ok) context.report({ node, message: `${layer.root} may not import ${target} (layering.config.js)` });
        else if (typeOnlyRoot && !typeOnly) context.report({ node, message: `${layer.root} may only \`import type\` from ${target}` });
        return;
      }
      const isNode = spec.startsWith('node:') || builtins.has(packageName(spec));
      const allowed = isNode ? layer.packages.includes('node:') : layer.packages.includes(packageName(spec));
      if (!allowed) context.report({ node, message: `${layer.root} may not import '${spec}' (layering.config.js)` });
    }
    return {
      ImportDeclaration(node) {
        check(node, node.source.value, node.importKind === 'type');
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node, node.source.value, node.exportKind === 'type');
      },
      ExportAllDeclaration(node) {
        check(node, node.source.value, node.exportKind === 'type');
      },
      ImportExpression(node) {
        if (node.source.type === 'Literal') check(node, node.source.value, false);
      },
    };
  },
};
