// The best one-to-one matching of rows to columns in a table of counts (the Hungarian method, Kuhn–Munkres with
// potentials, O(n³)): how bench/infogan-agreement.ts scores a categorical code against the true classes.

/** A one-to-one matching: `columnOf[r]` is row r's column (−1 when there are more rows than columns), `total` the matched counts' sum. */
export interface Matching {
  columnOf: number[];
  total: number;
}

/**
 * The matching of rows to distinct columns of `counts` [rows][columns] (every row of one length) whose counts sum
 * highest. Ties go to the first optimum the method meets.
 */
export function bestMatching(counts: number[][]): Matching {
  const rows = counts.length;
  const columns = rows ? counts[0].length : 0;
  if (counts.some((row) => row.length !== columns)) throw new Error('bestMatching: every row needs the same number of columns');
  const n = Math.max(rows, columns);
  const largest = Math.max(0, ...counts.flat());
  // A square cost table to minimise: largest − count, and largest for the padding cells.
  const cost = (r: number, c: number) => largest - (r < rows && c < columns ? counts[r][c] : 0);
  // Potentials u (rows), v (columns) and the row matched to each column, 1-based with 0 as the free slot.
  const u = new Array<number>(n + 1).fill(0);
  const v = new Array<number>(n + 1).fill(0);
  const rowOf = new Array<number>(n + 1).fill(0);
  const way = new Array<number>(n + 1).fill(0);
  for (let r = 1; r <= n; r++) {
    rowOf[0] = r;
    let column = 0;
    const minSlack = new Array<number>(n + 1).fill(Infinity);
    const used = new Array<boolean>(n + 1).fill(false);
    do {
      used[column] = true;
      const row = rowOf[column];
      let delta = Infinity;
      let next = 0;
      for (let c = 1; c <= n; c++) {
        if (used[c]) continue;
        const slack = cost(row - 1, c - 1) - u[row] - v[c];
        if (slack < minSlack[c]) {
          minSlack[c] = slack;
          way[c] = column;
        }
        if (minSlack[c] < delta) {
          delta = minSlack[c];
          next = c;
        }
      }
      for (let c = 0; c <= n; c++) {
        if (used[c]) {
          u[rowOf[c]] += delta;
          v[c] -= delta;
        } else {
          minSlack[c] -= delta;
        }
      }
      column = next;
    } while (rowOf[column] !== 0);
    do {
      const previous = way[column];
      rowOf[column] = rowOf[previous];
      column = previous;
    } while (column !== 0);
  }
  const columnOf = new Array<number>(rows).fill(-1);
  for (let c = 1; c <= n; c++) if (rowOf[c] - 1 < rows && c - 1 < columns) columnOf[rowOf[c] - 1] = c - 1;
  const total = columnOf.reduce((sum, c, r) => sum + (c >= 0 ? counts[r][c] : 0), 0);
  return { columnOf, total };
}
