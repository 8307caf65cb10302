// The folders of src/ are layers: a module imports only from its own folder or from folders below it
// (docs/architecture.md lists them in order). Families on one level (gan, vae) never import each other.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(import.meta.dirname, '../../src');

/** Lowest first; folders on one level may not import each other. The entries (index.ts, browser.ts) sit on top. */
const LAYERS: string[][] = [
  ['core'], ['native'], ['tfjs'], ['env'], ['data'], ['training'], ['classifier'], ['metrics'], ['gan', 'vae'], ['runs'],
  ['sweep'], ['report', 'server'], ['cli'],
];

function level(folder: string): number {
  const found = LAYERS.findIndex((names) => names.includes(folder));
  return found === -1 ? Infinity : found;
}

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
}

/** The top folder of src/ a file lies in ('' for the entries at src/ itself). */
function folderOf(src: string, file: string): string {
  const parts = relative(src, file).split('/');
  return parts.length > 1 ? parts[0] : '';
}

/** Every relative import (static, dynamic, type-only and re-export) of `file`, resolved. */
function importsOf(src: string, file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => resolve(dirname(file), m[1]));
  return found.filter((path) => path.startsWith(`${src}/`));
}

/** Imports under `src` that go up a layer or sideways between folders of one level, as "from → to". */
function layerViolations(src: string): string[] {
  const problems: string[] = [];
  for (const file of sources(src)) {
    const from = folderOf(src, file);
    if (from === '') continue;
    for (const target of importsOf(src, file)) {
      const to = folderOf(src, target);
      if (to === from) continue;
      if (to === '' || level(to) >= level(from)) problems.push(`${relative(src, file)} → ${relative(src, target)}`);
    }
  }
  return problems;
}

it('every folder of src/ has a place in the layers', () => {
  const folders = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  assert.deepEqual(folders.filter((f) => level(f) === Infinity), []);
});

it('no module imports from a folder above its own, or from a peer folder', () => {
  assert.deepEqual(layerViolations(SRC), []);
});

it('the check reports an upward import, a peer import and an import of an entry', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ganvae-layers-'));
  try {
    const files: Record<string, string> = {
      'core/a.ts': "import { b } from '../training/b.ts';",
      'training/b.ts': "import type { A } from '../core/a.ts';\nexport const b = await import('../gan/c.ts');",
      'gan/c.ts': "export { d } from '../vae/d.ts';",
      'vae/d.ts': "import '../index.ts';",
      'index.ts': "export * from './gan/c.ts';",
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    assert.deepEqual(layerViolations(dir).sort(), ['core/a.ts → training/b.ts', 'gan/c.ts → vae/d.ts', 'training/b.ts → gan/c.ts', 'vae/d.ts → index.ts']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
