// `ganvae train gan|vae`: trains a model family into a run folder; every option is a flag with a default,
// `--config file.json` sets several at once (flags win), `--resume` continues a run from its checkpoint.
import { DataError } from '../../data/errors.ts';
import { initBackend } from '../../env/backend.ts';
import { ConfigError, configFlags, configHelp, flagsToConfig, readConfigFile, runConfigSchema } from '../../training/config.ts';
import { FAMILIES, loadFamily } from '../../training/families.ts';
import { formatDuration, createProgress } from '../../training/progress.ts';
import { trainRun } from '../../training/train-run.ts';
import { CliError, type Command, parseFlags } from '../command.ts';

const usage = 'usage: ganvae train <gan|vae|classifier> [--out runs/NAME] [--config file.json] [--resume] [options]';

async function help(familyName: string | undefined): Promise<string> {
  const names = familyName && familyName in FAMILIES ? [familyName] : Object.keys(FAMILIES);
  const sections = await Promise.all(names.map(async (name) => `options of \`ganvae train ${name}\`:\n${configHelp(runConfigSchema((await loadFamily(name)).options))}`));
  return `${usage}

Trains into a run folder (run.json, metrics.jsonl, samples/, model/, checkpoints/; see docs/architecture.md).
  --out DIR            the run folder (default: runs/<family>-<date>-<time>)
  --config FILE        a JSON object of options (keys as below in camelCase); flags override it
  --resume             continue the run in --out from its latest checkpoint (only budgets may change)

${sections.join('\n\n')}

Exit codes: 0 done (epochs or budget reached), 1 diverged or failed, 2 bad usage, 130 interrupted (checkpoint saved).`;
}

function defaultOut(family: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `runs/${family}-${stamp}`;
}

export const command: Command = {
  name: 'train',
  summary: 'train a GAN or VAE into a run folder',
  async run(argv) {
    // The metrics' feature extractor is trained by its own module, not the shared loop.
    if (argv[0] === 'classifier') return (await import('./train-classifier.ts')).command.run(argv.slice(1));
    const familyName = argv[0] && !argv[0].startsWith('-') ? argv[0] : undefined;
    if (!familyName || argv.includes('--help') || argv.includes('-h')) {
      console.log(await help(familyName));
      return familyName || argv.includes('--help') || argv.includes('-h') ? 0 : 2;
    }
    let family;
    try {
      family = await loadFamily(familyName);
    } catch (err) {
      throw new CliError(`${(err as Error).message}\n${usage}`);
    }
    const schema = runConfigSchema(family.options);
    const { values } = parseFlags(argv.slice(1), {
      out: { type: 'string' }, config: { type: 'string' }, resume: { type: 'boolean' }, ...configFlags(schema),
    });
    if (values.resume && !values.out) throw new CliError('--resume needs --out, the run folder to continue');
    const outDir = values.out ?? defaultOut(familyName);
    const backend = await initBackend();

    let stopRequested = false;
    // Runs between steps (a step is synchronous). Removing itself gives the next Ctrl-C node's default
    // action, which ends the process at once, mid-step or mid-checkpoint (checkpoints survive that).
    const onSigint = () => {
      stopRequested = true;
      process.off('SIGINT', onSigint);
      process.stderr.write('\nganvae train: stopping after this step and writing a checkpoint (Ctrl-C again quits at once)\n');
    };
    process.on('SIGINT', onSigint);
    try {
      const file = values.config ? readConfigFile(values.config) : undefined;
      console.error(`ganvae train ${familyName}: ${values.resume ? 'resuming' : 'new run'} in ${outDir} on the ${backend.name} backend`);
      const { result } = await trainRun({
        family: familyName, outDir, file, flags: flagsToConfig(schema, values), resume: values.resume,
        progress: createProgress(), shouldStop: () => stopRequested, log: (m) => console.error(m),
      });
      const losses = Object.entries(result.losses).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ');
      const summary = `step ${result.step}/${result.totalSteps} in ${formatDuration(result.elapsedSec)}, ${result.imagesPerSec.toFixed(0)} img/s; ${losses}`;
      switch (result.reason) {
        case 'diverged': {
          const d = result.divergence!;
          const what = d.cause === 'weights' ? 'a model weight' : `a loss (${Object.entries(d.losses).map(([k, v]) => `${k} ${v}`).join(', ')})`;
          console.error(`ganvae train: ${what} became NaN or infinite between steps ${d.fromStep} and ${d.toStep}; stopped without saving. ` +
            `The last good checkpoint in ${outDir}/checkpoints/latest is intact; try a lower --learning-rate.`);
          return 1;
        }
        case 'interrupted':
          console.error(`ganvae train: interrupted at ${summary}. Checkpoint saved; continue with --resume --out ${outDir}`);
          return 130;
        default:
          console.log(`ganvae train: ${result.reason} at ${summary}. Samples: ${outDir}/samples/final.png`);
          return 0;
      }
    } catch (err) {
      if (err instanceof ConfigError || err instanceof DataError) throw new CliError(err.message);
      throw new CliError((err as Error).message, 1);
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
