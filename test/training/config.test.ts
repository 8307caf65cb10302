// The run configuration: flags derived from the zod schema, typed flag parsing, strict validation with
// messages naming the flag, and the help text listing every option with its default.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { configFlags, configHelp, flagName, flagsToConfig, parseConfig, runConfigSchema, trainingOptions } from '../../src/training/config.ts';
import { ganOptions, resolveGanOptions } from '../../src/gan/gan-family.ts';

const schema = runConfigSchema(ganOptions);

describe('run configuration', () => {
  it('has one --kebab-case flag per option, loop and family alike', () => {
    const flags = Object.keys(configFlags(schema));
    for (const flag of ['batch-size', 'max-minutes', 'max-steps', 'loss', 'label-smoothing', 'gp-weight', 'conditional']) assert.ok(flags.includes(flag), flag);
    assert.equal(flagName('checkpointEvery'), 'checkpoint-every');
  });

  it('every option has a working default', () => {
    const config = parseConfig(schema, {}, 'test');
    assert.equal(config.data, 'fashion-mnist');
    // The preset and loss follow the data: dcgan and ns for 28x28 grey, lite and hinge for colour.
    const grey = resolveGanOptions(ganOptions.parse({}), { shape: [28, 28, 1], numClasses: 10 });
    assert.deepEqual([grey.preset, grey.loss], ['dcgan', 'ns']);
    const colour = resolveGanOptions(ganOptions.parse({}), { shape: [64, 64, 3], numClasses: 0 });
    assert.deepEqual([colour.preset, colour.loss], ['lite', 'hinge']);
    const chosen = resolveGanOptions(ganOptions.parse({ preset: 'dcgan64', lrD: 4e-4 }), { shape: [64, 64, 3], numClasses: 0 });
    assert.deepEqual([chosen.loss, chosen.lrG, chosen.lrD], ['ns', 2e-4, 4e-4]);
    assert.equal(config.ema, true);
    // A GAN run with no flags stops within 10 minutes (9 of training, then the final checkpoint and export);
    // the loop's own default stays "no limit" for other families.
    assert.equal(config.maxMinutes, 9);
    assert.equal(trainingOptions.parse({}).maxMinutes, 0);
    // run.json records the width the preset chose.
    assert.equal(resolveGanOptions(ganOptions.parse({}), { shape: [28, 28, 1], numClasses: 10 }).width, 32);
    assert.equal(resolveGanOptions(ganOptions.parse({ preset: 'dcgan28' }), { shape: [28, 28, 1], numClasses: 10 }).width, 64);
  });

  it('takes R1 from the preset unless --r1 says, and never from a preset for the Wasserstein losses', () => {
    const grey = { shape: [28, 28, 1] as [number, number, number], numClasses: 10 };
    const r1 = (options: object, data = grey) => {
      const resolved = resolveGanOptions(ganOptions.parse(options), data);
      return [resolved.r1, resolved.r1Every];
    };
    // dcgan (the grey default) has lazy R1 with γ 0.1, every 16 D steps; lite and the reference presets have none.
    assert.deepEqual(r1({}), [0.1, 16]);
    assert.deepEqual(r1({}, { shape: [64, 64, 3], numClasses: 0 }), [0, 16]);
    assert.deepEqual(r1({ preset: 'dcgan28' }), [0, 16]);
    // A flag wins both ways, and --r1-every alone spaces the preset's penalty.
    assert.deepEqual(r1({ r1: 0 }), [0, 16]);
    assert.deepEqual(r1({ preset: 'lite', r1: 2 }, { shape: [64, 64, 3], numClasses: 0 }), [2, 16]);
    assert.deepEqual(r1({ r1Every: 4 }), [0.1, 4]);
    // WGAN-GP's critic has its own gradient penalty and WGAN's is clipped: the preset's R1 is left out, a flag is not.
    assert.deepEqual(r1({ loss: 'wgan-gp' }), [0, 16]);
    assert.deepEqual(r1({ loss: 'wgan' }), [0, 16]);
    assert.deepEqual(r1({ loss: 'wgan-gp', r1: 1 }), [1, 16]);
    assert.throws(() => r1({ loss: 'wgan', r1Every: 4 }), /--r1-every 4 spaces the R1 penalty, which is off/);
  });

  it('converts flag strings by the option\'s type and names the flag when one is wrong', () => {
    assert.deepEqual(flagsToConfig(schema, { 'batch-size': '32', ema: 'false', loss: 'hinge' }), { batchSize: 32, ema: false, loss: 'hinge' });
    assert.throws(() => flagsToConfig(schema, { 'batch-size': 'many' }), /--batch-size must be a number, got "many"/);
    assert.throws(() => flagsToConfig(schema, { ema: 'yes' }), /--ema must be true or false, got "yes"/);
  });

  it('rejects unknown keys and out-of-range values, naming each', () => {
    assert.throws(() => parseConfig(schema, { batchsize: 3 }, 'f.json'), /invalid configuration from f.json: unknown option "batchsize"/);
    assert.throws(() => parseConfig(schema, { epochs: 0, loss: 'x' }, 'f.json'), /epochs \(--epochs\): .*>=1.*loss \(--loss\): Invalid option/);
  });

  it('help lists each flag with its values and default', () => {
    const help = configHelp(schema);
    assert.match(help, /--loss\s+minimax\|ns\|lsgan\|hinge\|rasgan\|wgan\|wgan-gp .*lite hinge, the others ns\) \(default: none\)/);
    assert.match(help, /--batch-size\s+number .*\(default: 64\)/);
    assert.match(help, /--learning-rate\s+number .*\(default: none\)/);
  });
});
