/** Progress of one job: after each epoch, and once per trainer warning. */
export interface JobMessage {
  readonly label: string;
  readonly seed: number;
  readonly epoch: number;
  readonly epochs: number;
  readonly loss: number;
  /** Under DP-SGD: the epsilon spent so far. */
  readonly epsilon?: number;
  /** Set when the trainer warns; the epoch fields repeat the last epoch. */
  readonly warning?: string;
  /**
   * Set for a note on the job that is no epoch: e.g. `waiting for f seed 0: being trained by
   * pid 4242 on host-a` when another process trains it (this one then reuses its encoder).
   */
  readonly note?: string;
}
