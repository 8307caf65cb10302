// `ganvae report RUN [RUN...] [--out report.html]`: one self-contained HTML page (inline SVG plots,
// embedded PNGs) for a run, or comparing several: config, losses, samples, metrics, backend and timings.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeReport } from '../../report/build-report.ts';
import { CliError, type Command, numberFlag, parseFlags } from '../command.ts';
import { checkOutputFile } from '../../core/output-paths.ts';
import { asCliError } from '../open-run.ts';

const help = `usage: ganvae report RUN [RUN...] [--out report.html] [--title TEXT] [--max-grids 12]

Writes one HTML file that needs nothing else (no network, no scripts): for each run folder its
resolved config, loss and images/s plots, sample grids over training, VAE reconstructions and
traversals found in samples/, and the metrics of eval/metrics.json next to the real-data floor.
Several runs get a comparison table and one throughput plot.

  --out FILE        the HTML file                    [<RUN>/report.html, or report.html for several runs]
  --title TEXT      the page title                   [ganvae report: <run names>]
  --max-grids N     sample grids per run, spread over training   [12]`;

export const command: Command = {
  name: 'report',
  summary: 'write a self-contained HTML report of one run or comparing several',
  async run(argv) {
    const { values, positionals } = parseFlags(argv, { out: { type: 'string' }, title: { type: 'string' }, 'max-grids': { type: 'string' } }, true);
    if (values.help) {
      console.log(help);
      return 0;
    }
    if (!positionals.length) throw new CliError(`give at least one run folder\n${help.split('\n')[0]}`);
    const maxGrids = numberFlag('max-grids', values['max-grids'], 12, 2, 1000);
    const out = values.out ?? (positionals.length === 1 ? `${positionals[0].replace(/\/+$/, '')}/report.html` : 'report.html');
    // Checked first, unless it is the default inside a folder that is not a run (that error comes first).
    if (values.out || existsSync(join(positionals[0], 'run.json'))) checkOutputFile(values.out ? '--out' : 'the report file (--out)', out, 'report.html');
    try {
      await writeReport(positionals, out, { title: values.title, maxGrids: Math.round(maxGrids) });
    } catch (err) {
      // A run folder that cannot be read is bad input (2); a page that cannot be written, a failed job (1).
      throw asCliError(err);
    }
    console.log(`wrote ${resolve(out)}`);
    return 0;
  },
};
