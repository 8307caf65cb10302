// ganvae's public API: re-exports only; each area's own index says what it offers.
export * from './data/index.ts';
export * from './metrics/index.ts';
