// The C++ and TypeScript sides of the addon agree: native/src/kernels.def (the exports) with NativeAddon and the
// built addon, native/src/ops.def (the op codes) with the tables in src/native/. Parses the X-macro lists.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import ts from 'typescript';
import { loadAddon } from '../../src/native/addon.ts';
import { ACTIVATION_CODES } from '../../src/native/geometry.ts';
import { BINARY_OPS } from '../../src/native/kernels/binary.ts';
import { REDUCE_OPS } from '../../src/native/kernels/reduce.ts';
import { UNARY_OPS } from '../../src/native/kernels/unary.ts';
import { nativeMissing } from '../helpers/backends.ts';

const nativeSrc = new URL('../../native/src/', import.meta.url);
const read = (url: URL) => readFileSync(url, 'utf8');

/** The entries of an X-macro list: one `MACRO(arg, ...)` a line; comments, blank and `#` lines skipped. */
function xMacroEntries(file: string): Array<{ macro: string; args: string[] }> {
  const entries: Array<{ macro: string; args: string[] }> = [];
  for (const [i, raw] of read(new URL(file, nativeSrc)).split('\n').entries()) {
    const line = raw.replace(/\/\/.*/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(GANVAE_\w+)\(([^()]*)\)$/.exec(line);
    if (!match) throw new Error(`native/src/${file}:${i + 1}: not one X-macro entry a line: ${raw}`);
    entries.push({ macro: match[1], args: match[2].split(',').map((a) => a.trim()) });
  }
  return entries;
}

/** The args of one table of ops.def, codes as numbers. */
function opTable(macro: string): Array<Array<string | number>> {
  return xMacroEntries('ops.def').filter((e) => e.macro === macro)
    .map(({ args }) => args.map((a) => (/^\d+$/.test(a) ? Number(a) : a)));
}

/** The member names of `NativeAddon` in src/native/addon.ts, in order. */
function interfaceMembers(): string[] {
  const file = new URL('../../src/native/addon.ts', import.meta.url);
  const source = ts.createSourceFile('addon.ts', read(file), ts.ScriptTarget.Latest);
  const addon = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'NativeAddon');
  assert.ok(addon, 'src/native/addon.ts declares no NativeAddon interface');
  return addon.members.map((m) => (m.name && ts.isIdentifier(m.name) ? m.name.text : m.getText(source)));
}

const exportsList = xMacroEntries('kernels.def');

describe('native/src/kernels.def and the TypeScript side', () => {
  it('lists only GANVAE_KERNEL, GANVAE_ONEDNN_KERNEL and GANVAE_FUNCTION entries of two names', () => {
    for (const { macro, args } of exportsList) {
      assert.ok(['GANVAE_KERNEL', 'GANVAE_ONEDNN_KERNEL', 'GANVAE_FUNCTION'].includes(macro), `kernels.def: unknown macro ${macro}`);
      assert.equal(args.length, 2, `kernels.def: ${macro}(${args}) needs (cppName, jsName)`);
    }
  });

  it('NativeAddon (src/native/addon.ts) has one method per entry, same names, same order', () => {
    assert.deepEqual(interfaceMembers(), exportsList.map(({ args }) => args[1]));
  });

  it('every C++ function it names is defined once in native/src', () => {
    const files = ['addon.cc', 'common.cc', 'shape.cc', ...readdirSync(new URL('kernels/', nativeSrc)).filter((f) => f.endsWith('.cc')).map((f) => `kernels/${f}`)];
    const sources = files.map((f) => read(new URL(f, nativeSrc))).join('\n');
    for (const { args: [cppName] } of exportsList) {
      const definitions = sources.match(new RegExp(`^Napi::Value ${cppName}\\(const Napi::CallbackInfo& \\w+\\) \\{`, 'gm')) ?? [];
      assert.equal(definitions.length, 1, `Napi::Value ${cppName}(const Napi::CallbackInfo& info) { ... } in native/src: ${definitions.length} definitions`);
    }
  });

  // Only GANVAE_ONEDNN_KERNEL entries run with asynchronous signals deferred, which oneDNN's jit code needs.
  it('a kernel is GANVAE_ONEDNN_KERNEL exactly when the file defining it calls into oneDNN', () => {
    const kernelFiles = readdirSync(new URL('kernels/', nativeSrc)).filter((f) => f.endsWith('.cc'));
    for (const { macro, args: [cppName] } of exportsList.filter((e) => e.macro !== 'GANVAE_FUNCTION')) {
      const file = kernelFiles.find((f) => new RegExp(`^Napi::Value ${cppName}\\(`, 'm').test(read(new URL(`kernels/${f}`, nativeSrc))));
      assert.ok(file, `${cppName}: no file in native/src/kernels defines it`);
      const code = read(new URL(`kernels/${file}`, nativeSrc)).replace(/\/\/.*/g, '');
      const callsOneDnn = /\bdnnl[_:]|\brunMatMul\(|\brunConvForward\(/.test(code);
      assert.equal(macro === 'GANVAE_ONEDNN_KERNEL', callsOneDnn,
        `kernels.def: ${cppName} (kernels/${file}) ${callsOneDnn ? 'calls oneDNN: make it GANVAE_ONEDNN_KERNEL' : 'calls no oneDNN code: make it GANVAE_KERNEL'}`);
    }
  });

  it('the built addon exports exactly these names, in order', { skip: nativeMissing }, () => {
    assert.deepEqual(Object.keys(loadAddon().addon!), exportsList.map(({ args }) => args[1]),
      'the addon is stale or kernels.def is not what addon.cc registers: rebuild it (npm run build:native)');
  });
});

describe('native/src/ops.def and the TypeScript op-code tables', () => {
  const tables: Array<[string, string, Array<Array<string | number>>]> = [
    ['GANVAE_UNARY_OP', 'UNARY_OPS (src/native/kernels/unary.ts)', UNARY_OPS],
    ['GANVAE_BINARY_OP', 'BINARY_OPS (src/native/kernels/binary.ts)', BINARY_OPS],
    ['GANVAE_REDUCE_OP', 'REDUCE_OPS (src/native/kernels/reduce.ts)', REDUCE_OPS],
    ['GANVAE_ACTIVATION', 'ACTIVATION_CODES (src/native/geometry.ts)', Object.entries(ACTIVATION_CODES)],
  ];
  for (const [macro, tsName, table] of tables) {
    it(`${tsName} is ${macro}'s list: names, codes and order`, () => {
      const cpp = opTable(macro);
      assert.ok(cpp.length > 0, `ops.def has no ${macro} entries`);
      assert.deepEqual(table, cpp);
    });
  }

  it('every list has codes 0, 1, 2, ... in order (what the C++ static_asserts require)', () => {
    for (const [macro] of tables) {
      assert.deepEqual(opTable(macro).map((entry) => entry[1]), opTable(macro).map((_, i) => i), macro);
    }
  });
});
