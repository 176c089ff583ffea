import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../fixtures/bundle';

interface BuilderConfig {
  files: string[];
  asarUnpack: string[];
  npmRebuild: boolean;
  extraMetadata: { main: string };
  linux: { target: string[]; icon: string };
  mac: { target: string; icon: string };
  win: { target: string; icon: string };
  fileAssociations: { ext: string }[];
}

const config = parse(readFileSync(join(repoRoot, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

test("electron-builder.yml passes electron-builder's own schema validation", async () => {
  // electron-builder is a devDependency; its validator is what `electron-builder` runs first.
  const require = createRequire(join(repoRoot, 'package.json'));
  const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
    validateConfiguration(c: unknown, logger: unknown): Promise<void>;
  };
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
  await expect(validateConfiguration(structuredClone(config), new DebugLogger(false))).resolves.toBeUndefined();
});

test('targets AppImage and deb, dmg, nsis; better-sqlite3 unpacked from asar and rebuilt for Electron', () => {
  expect(config.linux.target).toEqual(['AppImage', 'deb']);
  expect(config.mac.target).toBe('dmg');
  expect(config.win.target).toBe('nsis');
  expect(config.asarUnpack).toContain('node_modules/better-sqlite3/**');
  // The worker runs from app.asar.unpacked with the packages it imports (every non-Node import of src-sim).
  for (const p of ['dist/sim-worker.mjs', 'node_modules/zod/**', 'node_modules/yaml/**', 'node_modules/pure-rand/**', 'node_modules/hdr-histogram-js/**']) {
    expect(config.asarUnpack).toContain(p);
  }
  expect(config.npmRebuild).toBe(true);
  expect(config.fileAssociations.map((a) => a.ext)).toEqual(['klab']);
});

test('the package holds what scripts/build.mjs bundles for Electron and the icon exists', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { main: string };
  expect(config.extraMetadata.main).toBe(pkg.main);
  for (const f of ['dist/electron-main.cjs', 'dist/preload.cjs', 'dist/sim-worker.mjs']) expect(config.files).toContain(f);
  const build = readFileSync(join(repoRoot, 'scripts/build.mjs'), 'utf8');
  expect(build).toContain("'electron-main': 'src-main/electron/main.ts', preload: 'src-main/electron/preload.ts'");
  for (const icon of [config.linux.icon, config.mac.icon, config.win.icon]) expect(existsSync(join(repoRoot, icon))).toBe(true);
});
