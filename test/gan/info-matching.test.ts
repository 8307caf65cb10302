// The best one-to-one matching (bench/best-matching.ts) that scores an InfoGAN code against the classes: against
// every permutation on small seeded tables, square and not, and on a table worked out by hand.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/core/random.ts';
import { bestMatching } from '../../bench/best-matching.ts';

/** The highest sum of counts[r][c] over injective maps of the rows into the columns (rows ≤ columns), by trying them all. */
function bruteForce(counts: number[][]): number {
  const columns = counts[0].length;
  const best = (r: number, used: Set<number>): number => {
    if (r === counts.length) return 0;
    let top = -Infinity;
    for (let c = 0; c < columns; c++) {
      if (used.has(c)) continue;
      used.add(c);
      top = Math.max(top, counts[r][c] + best(r + 1, used));
      used.delete(c);
    }
    return top;
  };
  return best(0, new Set());
}

describe('bestMatching', () => {
  it('finds the matching a greedy choice misses', () => {
    // Greedy takes 9 (row 0 → column 0) and is left with 1; the best is 8 + 7.
    const counts = [[9, 8], [7, 1]];
    assert.deepEqual(bestMatching(counts), { columnOf: [1, 0], total: 15 });
  });

  for (const [rows, columns] of [[5, 5], [6, 6], [3, 5], [5, 3]]) {
    it(`equals the best of all matchings on seeded ${rows}x${columns} tables`, () => {
      const rng = new Rng(rows * 10 + columns);
      for (let trial = 0; trial < 20; trial++) {
        const counts = Array.from({ length: rows }, () => Array.from({ length: columns }, () => rng.int(50)));
        const { columnOf, total } = bestMatching(counts);
        const matched = columnOf.filter((c) => c >= 0);
        assert.equal(new Set(matched).size, matched.length, 'columns are distinct');
        assert.equal(matched.length, Math.min(rows, columns));
        const transposed = counts[0].map((_, c) => counts.map((row) => row[c]));
        assert.equal(total, rows <= columns ? bruteForce(counts) : bruteForce(transposed));
      }
    });
  }
});
