// Re-exports only: the public API of sslmem, room by room (floors from the ground up).
export * from './util/rng';
export * from './util/errors';
export * from './backend';
export * from './io';
export * from './data';
export * from './augment';
export * from './encoders';
export * from './objectives';
export * from './train';
export * from './stats';
export * from './memorization';
export * from './eval';
export * from './parallel';
export * from './runs';
export * from './experiments';
export * from './plot';
export * from './notebook';
