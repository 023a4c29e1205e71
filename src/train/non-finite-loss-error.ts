/**
 * Thrown by the trainer when a step's loss is NaN or infinite. The step's update was not
 * applied and no checkpoint was written for the epoch.
 */
export class NonFiniteLossError extends Error {
  constructor(
    /** 1-based epoch. */
    readonly epoch: number,
    /** 1-based step within the epoch. */
    readonly step: number,
    /** Steps per epoch. */
    readonly stepsPerEpoch: number,
    /** The loss value (NaN or +-Infinity). */
    readonly loss: number,
  ) {
    super(
      `training stopped: the loss is ${loss} at epoch ${epoch}, step ${step} of ${stepsPerEpoch}; ` +
        'that update was not applied and no checkpoint was written for this epoch ' +
        '(try a lower learning rate, a longer warm-up or check the data for NaN)',
    );
    this.name = 'NonFiniteLossError';
  }
}
