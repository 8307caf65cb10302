// The folders of src/ are layers: a module imports only from its own folder or from folders below it
// (docs/architecture.md lists them in order). Families on one level (gan, vae) never import each other.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(import.meta.dirname, '../../src');

/** Lowest first; folders on one level may not import each other. The entries (index.ts, browser.ts) sit on top. */
export const LAYERS: string[][] = [
  ['core'], ['native'], ['tfjs'], ['env'], ['data'], ['training'], ['classifier'], ['metrics'], ['gan', 'vae'], ['runs'],
  ['report', 'server'], ['cli'],
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
function folderOf(file: string): string {
  const parts = relative(SRC, file).split('/');
  return parts.length > 1 ? parts[0] : '';
}

/** Every relative import (static, dynamic, type-only and re-export) of `file`, resolved. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => resolve(dirname(file), m[1]));
  return found.filter((path) => path.startsWith(`${SRC}/`));
}

/** Imports that go up a layer or sideways between folders of one level, as "from → to". */
export function layerViolations(): string[] {
  const problems: string[] = [];
  for (const file of sources(SRC)) {
    const from = folderOf(file);
    if (from === '') continue;
    for (const target of importsOf(file)) {
      const to = folderOf(target);
      if (to === from) continue;
      if (to === '' || level(to) >= level(from)) problems.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
    }
  }
  return problems;
}

it('every folder of src/ has a place in the layers', () => {
  const folders = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  assert.deepEqual(folders.filter((f) => level(f) === Infinity), []);
});

it('no module imports from a folder above its own, or from a peer folder', () => {
  assert.deepEqual(layerViolations(), []);
});

it('the check finds an upward import', () => {
  // core is the floor: a core module importing training would be reported.
  assert.ok(level('core') < level('training') && level('gan') === level('vae'));
});
