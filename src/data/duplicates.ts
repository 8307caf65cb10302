// Byte-identical files among a dataset's images (`ganvae data info`): files are grouped by size, and only
// those sharing a size are read and compared by the SHA-1 of their contents.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { readFileChecked } from './read-file.ts';

/** The groups of two or more byte-identical files among `paths`, each in the order given, ordered by first member. */
export function findDuplicateFiles(paths: readonly string[]): string[][] {
  const bySize = new Map<number, string[]>();
  for (const path of paths) {
    const size = statSync(path, { throwIfNoEntry: false })?.size;
    if (size === undefined) continue;
    const same = bySize.get(size);
    if (same) same.push(path);
    else bySize.set(size, [path]);
  }
  const byHash = new Map<string, string[]>();
  for (const same of bySize.values()) {
    if (same.length < 2) continue;
    for (const path of same) {
      const hash = createHash('sha1').update(readFileChecked(path)).digest('hex');
      const identical = byHash.get(hash);
      if (identical) identical.push(path);
      else byHash.set(hash, [path]);
    }
  }
  const order = new Map(paths.map((path, i) => [path, i]));
  return [...byHash.values()].filter((group) => group.length > 1)
    .map((group) => group.sort((a, b) => order.get(a)! - order.get(b)!))
    .sort((a, b) => order.get(a[0])! - order.get(b[0])!);
}
