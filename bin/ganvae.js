#!/usr/bin/env node
// The `ganvae` command: runs the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';

register();
// tsx turns on Node's source maps, and Node then parses the inline maps of tfjs's bundles: ~30-50 MiB of
// resident memory for stack traces a user never sees. GANVAE_DEBUG=1 keeps them (TypeScript lines in stacks).
if (!process.env.GANVAE_DEBUG) process.setSourceMapsEnabled(false);
await import('../src/cli/main.ts');
