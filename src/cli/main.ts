// Entry point of the `ganvae` command: dispatches to one module per subcommand.
// Run `ganvae help` for the list; each command's --help lists its flags and defaults.
import { type Command, exitCodeOf, stackChain } from './command.ts';

/** Subcommands, loaded on demand so `ganvae doctor` does not pay for tfjs-layers or image codecs. */
const commands: Record<string, () => Promise<{ command: Command }>> = {
  doctor: () => import('./commands/doctor.ts'),
  train: () => import('./commands/train.ts'),
  sample: () => import('./commands/sample.ts'),
  interpolate: () => import('./commands/interpolate.ts'),
  data: () => import('./commands/data.ts'),
  eval: () => import('./commands/eval.ts'),
  reconstruct: () => import('./commands/reconstruct.ts'),
  traverse: () => import('./commands/traverse.ts'),
  'latent-map': () => import('./commands/latent-map.ts'),
  demo: () => import('./commands/demo.ts'),
  report: () => import('./commands/report.ts'),
  serve: () => import('./commands/serve.ts'),
  studio: () => import('./commands/studio.ts'),
  'build-native': () => import('./commands/build-native.ts'),
  sweep: () => import('./commands/sweep.ts'),
  worker: () => import('./commands/worker.ts'),
};

function usage(): string {
  const names = Object.keys(commands).sort();
  return `usage: ganvae <command> [options]\n\ncommands: ${names.join(', ')}\n\n` +
    'Run `ganvae <command> --help` for a command\'s options.';
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    console.error(`ganvae: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    const { command } = await load();
    return await command.run(rest);
  } catch (err) {
    // One line, whatever went wrong; GANVAE_DEBUG=1 adds the stack traces (the error's and its causes') for bug reports.
    console.error(`ganvae ${name}: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.GANVAE_DEBUG) console.error(stackChain(err));
    return exitCodeOf(err);
  }
}

process.exitCode = await main(process.argv.slice(2));
