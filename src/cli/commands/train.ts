// `ganvae train gan|vae`: trains a model family into a run folder; every option is a flag with a default,
// `--config file.json` sets several at once (flags win), `--resume` continues a run from its checkpoint.
import { constants as osConstants } from 'node:os';
import type { z } from 'zod';
import { initBackend } from '../../env/backend.ts';
import { sourceChoices } from '../../data/sources/index.ts';
import { configFlags, configHelp, flagsToConfig, runConfigSchema } from '../../training/config.ts';
import { readConfigFile } from '../../training/config-file.ts';
import { FAMILIES, loadFamily } from '../../runs/families.ts';
import { formatDuration, createProgress } from '../../training/progress.ts';
import { trainRun } from '../../runs/train-run.ts';
import { CliError, type Command, exitCodeOf, parseFlags } from '../command.ts';

const usage = 'usage: ganvae train <gan|vae|classifier> [--out runs/NAME] [--config file.json] [--resume] [options]';

/** `schema` whose --data line lists the registered data sources (the config module cannot import the registry). */
function withSourceList<S extends z.ZodObject<{ data: z.ZodType }>>(schema: S) {
  return schema.extend({ data: schema.shape.data.describe(`data source: ${sourceChoices()}`) });
}

async function help(familyName: string | undefined): Promise<string> {
  const names = familyName && familyName in FAMILIES ? [familyName] : Object.keys(FAMILIES);
  const sections = await Promise.all(names.map(async (name) => `options of \`ganvae train ${name}\`:\n${configHelp(withSourceList(runConfigSchema((await loadFamily(name)).options)))}`));
  return `${usage}

Trains into a run folder (run.json, metrics.jsonl, samples/, model/, checkpoints/; see docs/architecture.md).
  --out DIR            the run folder (default: runs/<family>-<date>-<time>)
  --config FILE        a JSON object of options (keys as below in camelCase); flags override it
  --resume             continue the run in --out from its latest checkpoint (only budgets may change)
  --force-into-existing  write a new run into a non-empty folder that is not a run (its files must not
                       sit where a run writes: run.json, metrics.jsonl, model/, checkpoints/, samples/)
  --force              run --precision bf16 even where oneDNN would emulate it (slower than fp32)

${sections.join('\n\n')}

Exit codes: 0 done (epochs or budget reached), 1 diverged or failed, 2 bad usage or input (a folder in use included),\n130 / 143 / 129 stopped by SIGINT / SIGTERM / SIGHUP (checkpoint saved).`;
}

/** Signals that stop a run cleanly (Ctrl-C, schedulers and containers, a closed terminal). */
const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The shell's exit code for a process ended by `signal`: 128 + its number (130, 143, 129). */
function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + osConstants.signals[signal];
}

/**
 * Refuses a flag that only another model family takes (`ganvae train vae --info-continuous 2`) with a message naming
 * the family it belongs to; parseArgs would call it unknown.
 */
async function checkFamilyFlags(familyName: string, argv: string[], own: Record<string, unknown>): Promise<void> {
  const given = argv.filter((arg) => arg.startsWith('--')).map((arg) => arg.slice(2).split('=')[0]).filter((flag) => !(flag in own));
  for (const other of Object.keys(FAMILIES).filter((name) => name !== familyName)) {
    const theirs = configFlags(runConfigSchema((await loadFamily(other)).options));
    const stray = given.find((flag) => flag in theirs);
    if (stray) throw new CliError(`--${stray} is an option of \`ganvae train ${other}\`, not of \`ganvae train ${familyName}\` (see ganvae train ${familyName} --help)`);
  }
}

/** What `ganvae train` can train: the loop's model families and the metrics' classifier. */
const TRAIN_TARGETS = [...Object.keys(FAMILIES), 'classifier'];

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
    } catch {
      throw new CliError(`unknown model family "${familyName}"; use one of ${TRAIN_TARGETS.join(', ')}\n${usage}`);
    }
    const schema = runConfigSchema(family.options);
    const flags = {
      out: { type: 'string' }, config: { type: 'string' }, resume: { type: 'boolean' }, 'force-into-existing': { type: 'boolean' }, force: { type: 'boolean' },
      ...configFlags(schema),
    } as const;
    await checkFamilyFlags(familyName, argv.slice(1), flags);
    const { values } = parseFlags(argv.slice(1), flags);
    if (values.resume && !values.out) throw new CliError('--resume needs --out, the run folder to continue');
    if (values.resume && values['force-into-existing']) throw new CliError('--force-into-existing is for a new run; --resume continues the run already in --out');
    const outDir = values.out ?? defaultOut(familyName);
    const backend = await initBackend();

    let stopSignal: NodeJS.Signals | undefined;
    // Runs between steps (a step is synchronous). A second signal ends the process at once, mid-step or
    // mid-checkpoint (checkpoints survive that), with the first signal's exit code.
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopSignal) process.exit(signalExitCode(stopSignal));
      stopSignal = signal;
      process.stderr.write(`\nganvae train: ${signal}: stopping after this step and writing a checkpoint (a second signal quits at once)\n`);
    };
    for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
    try {
      const file = values.config ? readConfigFile(values.config) : undefined;
      const { result } = await trainRun({
        family: familyName, outDir, file, flags: flagsToConfig(schema, values), resume: values.resume,
        forceIntoExisting: values['force-into-existing'], forcePrecision: values.force,
        progress: createProgress(), shouldStop: () => stopSignal !== undefined,
        log: (m) => console.error(`ganvae train ${familyName}: ${m}${m.startsWith('new run') || m.startsWith('resuming') ? ` on the ${backend.name} backend` : ''}`),
      });
      const losses = Object.entries(result.losses).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ');
      const summary = `step ${result.step}/${result.totalSteps} in ${formatDuration(result.elapsedSec)}, ${result.imagesPerSec.toFixed(0)} img/s; ${losses}`;
      switch (result.reason) {
        case 'diverged': {
          const d = result.divergence!;
          const what = d.cause === 'state' ? d.what : `a loss (${Object.entries(d.losses).map(([k, v]) => `${k} ${v}`).join(', ')})`;
          const kept = result.checkpointStep === null
            ? `No checkpoint had been written, so nothing was kept; start over with a lower --learning-rate: remove ${outDir} ` +
              `(rm -r ${outDir}) or choose another --out.`
            : `The last good checkpoint (step ${result.checkpointStep}) in ${outDir}/checkpoints/latest is intact: \`--resume --out ${outDir}\` ` +
              'continues from it; to change the learning rate, start a new run with another --out.';
          console.error(`ganvae train: ${what} became NaN or infinite between steps ${d.fromStep} and ${d.toStep}; stopped without saving. ${kept}`);
          return 1;
        }
        case 'interrupted':
          console.error(`ganvae train: interrupted (${stopSignal}) at ${summary}. Checkpoint saved; continue with --resume --out ${outDir}`);
          return signalExitCode(stopSignal!);
        default:
          console.log(`ganvae train: ${result.reason} at ${summary}. Samples: ${outDir}/samples/final.png`);
          return 0;
      }
    } catch (err) {
      throw new CliError((err as Error).message, exitCodeOf(err), { cause: err });
    } finally {
      for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    }
  },
};
