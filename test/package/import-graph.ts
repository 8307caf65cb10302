// The runtime import graph of a TypeScript module in src/: each file transpiled as tsc would emit it (type-only
// imports dropped), then its static and dynamic import specifiers followed through relative paths.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';

/** Specifiers that must never reach a browser bundle: Node builtins, sharp, tfjs-node. */
export function isNodeOnly(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]) ||
    specifier === 'sharp' || specifier.startsWith('@tensorflow/tfjs-node');
}

/** The import specifiers of one file's emitted JavaScript. */
function runtimeImports(file: string): string[] {
  const js = ts.transpileModule(readFileSync(file, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  return ts.preProcessFile(js, true, true).importedFiles.map((i) => i.fileName);
}

/**
 * Every file reachable from `entry` (absolute path of a .ts file), with the chain of imports that first
 * reached it, and every bare specifier imported on the way (package or builtin), with its chain.
 */
export function importGraph(entry: string): { files: Map<string, string[]>; bare: Map<string, string[]> } {
  const root = dirname(entry);
  const files = new Map<string, string[]>([[entry, [relative(root, entry)]]]);
  const bare = new Map<string, string[]>();
  const queue = [entry];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const chain = files.get(file)!;
    for (const specifier of runtimeImports(file)) {
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(file), specifier);
        if (!files.has(target)) {
          files.set(target, [...chain, relative(root, target)]);
          queue.push(target);
        }
      } else if (!bare.has(specifier)) {
        bare.set(specifier, [...chain, specifier]);
      }
    }
  }
  return { files, bare };
}

/** The Node-only imports reachable from `entry`: the importing file (relative to src/), the specifier and the chain. */
export function nodeOnlyImports(entry: string): { file: string; specifier: string; chain: string[] }[] {
  const { files, bare } = importGraph(entry);
  const found = [...bare].filter(([specifier]) => isNodeOnly(specifier))
    .map(([specifier, chain]) => ({ file: chain[chain.length - 2], specifier, chain }));
  // The addon loader: a relative import, so not in `bare`.
  for (const [file, chain] of files) {
    if (file.endsWith('/native/addon.ts')) found.push({ file: chain[chain.length - 2] ?? chain[0], specifier: 'native/addon.ts', chain });
  }
  return found;
}
