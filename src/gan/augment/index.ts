// The GAN family's augmentations (DiffAugment, ADA and its controller, the --augment flags): re-exports only.
export * from './ada-augment.ts';
export * from './ada-controller.ts';
export * from './augment-options.ts';
export * from './augmenter.ts';
export * from './color-matrix.ts';
export * from './diff-augment.ts';
export * from './pixel-map.ts';
