// Re-exports only: the privacy accountant (RDP of the sampled Gaussian mechanism) and noise calibration.
export * from './log-erfc';
export * from './sampled-gaussian-rdp';
export * from './privacy-spent';
