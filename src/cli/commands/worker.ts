// `ganvae worker --redis URL`: runs the trials of the sweeps queued in Redis (`ganvae sweep --redis`) in child
// processes, one per slot; start one on each machine. `--trial-child` is the child side, started by sweep and worker.
import { hostname } from 'node:os';
import { CliError, type Command, numberFlag, parseFlags } from '../command.ts';

const help = `usage: ganvae worker --redis redis://HOST:PORT [--concurrency 1] [--threads N] [--runs-dir DIR]

Runs the trials of the sweeps queued in Redis by \`ganvae sweep SPEC.json --redis URL\`, the oldest sweep
first, until stopped (Ctrl-C or SIGTERM: running trials checkpoint, and another worker resumes them).
Trials train and evaluate in child processes, one per slot (kept for its next trials), with
OMP_NUM_THREADS = cores / concurrency; this process renews the trials' locks, so a worker that dies is noticed after --lock-seconds and its trials
are re-delivered and resumed from their last checkpoint. Run folders go to the sweep's --runs-dir, which
every worker must reach (a shared filesystem); --runs-dir here gives this machine's path of that folder.

  --redis URL          the Redis of the sweeps (redis://[USER:PASSWORD@]HOST:PORT, rediss:// for TLS)
  --concurrency N      trials at a time on this machine                          [1]
  --threads N          OMP threads per trial                        [cores / concurrency]
  --runs-dir DIR       this machine's path of the sweep's runs folder   [the sweep's --runs-dir]
  --lock-seconds S     a trial whose worker is silent this long is re-delivered     [30]`;

export const command: Command = {
  name: 'worker',
  summary: 'run the trials of sweeps queued in Redis (start one per machine)',
  async run(argv) {
    if (argv[0] === '--trial-child') {
      // Loaded here: a worker's own process needs neither tfjs nor the models, only its children do.
      const { runTrialChild } = await import('../../sweep/trial.ts');
      const code = await runTrialChild();
      // The trial's tfjs state may hold the event loop open; the child's work is done.
      process.exit(code);
    }
    const { values } = parseFlags(argv, {
      redis: { type: 'string' }, concurrency: { type: 'string' }, threads: { type: 'string' }, 'runs-dir': { type: 'string' }, 'lock-seconds': { type: 'string' },
    });
    if (values.help) {
      console.log(help);
      return 0;
    }
    if (!values.redis) throw new CliError('give --redis redis://HOST:PORT, the Redis the sweep was queued on');
    const concurrency = numberFlag('concurrency', values.concurrency, 1, 1, 1024);
    const threads = values.threads === undefined ? undefined : numberFlag('threads', values.threads, 1, 1, 1024);
    if (!Number.isInteger(concurrency) || (threads !== undefined && !Number.isInteger(threads))) throw new CliError('--concurrency and --threads must be whole numbers');
    const lockSeconds = numberFlag('lock-seconds', values['lock-seconds'], 30, 1, 3600);
    const [{ runWorker }, { connectRedis }] = await Promise.all([import('../../sweep/queue.ts'), import('./sweep.ts')]);
    const redis = await connectRedis(values.redis);
    let signal: NodeJS.Signals | null = null;
    const onSignal = (s: NodeJS.Signals) => {
      if (!signal) console.error(`ganvae worker: ${s}: stopping (running trials checkpoint; another worker resumes them)`);
      signal ??= s;
    };
    process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
    console.error(`ganvae worker: ${hostname()} pid ${process.pid}, waiting for trials`);
    try {
      await runWorker(redis, {
        concurrency, threads, runsDir: values['runs-dir'], lockSeconds, shouldStop: () => signal !== null,
        log: (m) => console.error(`ganvae worker: ${m}`),
      });
    } finally {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      redis.disconnect();
    }
    const code = signal === 'SIGINT' ? 130 : 143;
    // BullMQ may still be reconnecting to a Redis that is down; that must not keep a stopped worker alive.
    setTimeout(() => process.exit(code), 2000).unref();
    return code;
  },
};
