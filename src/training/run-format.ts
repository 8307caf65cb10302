// What a run folder's run.json holds, and the layout version: shared by Node's run folders (run-folder.ts)
// and the browser studio's exported runs. Free of Node imports.

/** Version of the run-folder layout; bumped when a reader could misread an older folder. */
export const RUN_FORMAT_VERSION = 1;

/** run.json. */
export interface RunInfo {
  formatVersion: number;
  kind: 'gan' | 'vae' | 'classifier';
  /** The resolved configuration: training loop options and the family's options. */
  config: Record<string, unknown>;
  dataset: { name: string; shape: [number, number, number]; classes: string[] };
  backend: string;
  createdAt: string;
}
