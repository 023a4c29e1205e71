import { resolveOptions, rule, type OptionRules } from '../util/options';
import { trainRule } from './option-rules';
import type { StepInfo } from './train-options';

/** Options of `terminalProgress`. */
export interface TerminalProgressOptions {
  /** Where to draw; nothing is written unless it is a TTY. Default `process.stderr`. */
  readonly stream: { isTTY?: boolean; write(text: string): unknown };
  /** Characters of the bar. Default 30. */
  readonly width: number;
  /** Least milliseconds between redraws (the last step of an epoch always draws). Default 100. */
  readonly intervalMs: number;
}

/** Defaults of `terminalProgress`. */
export const defaultTerminalProgressOptions: TerminalProgressOptions = { stream: process.stderr, width: 30, intervalMs: 100 };

const terminalProgressRules: OptionRules<TerminalProgressOptions> = {
  stream: trainRule.object('a stream with write(text), e.g. process.stderr'),
  width: rule.int({ min: 1 }),
  intervalMs: rule.number({ min: 0 }),
};

/**
 * An `onStep` callback that draws a one-line progress bar (`\r`-updated) per epoch:
 * `epoch 3/10 [#########.....] 45/100 loss 4.1234 lr 1.0e-3`. Writes only when the stream
 * is a TTY, so logs and CI output stay clean. The library itself never prints; pass this
 * as `trainEncoder(..., { onStep: terminalProgress() })`.
 */
export function terminalProgress(options: Partial<TerminalProgressOptions> = {}): (info: StepInfo) => void {
  const { stream, width, intervalMs } = resolveOptions(defaultTerminalProgressOptions, terminalProgressRules, options, 'terminalProgress options');
  let lastDraw = -Infinity;
  return (info) => {
    if (!stream.isTTY) return;
    const last = info.step === info.stepsPerEpoch;
    const now = Date.now();
    if (!last && now - lastDraw < intervalMs) return;
    lastDraw = now;
    const filled = Math.round((width * info.step) / info.stepsPerEpoch);
    const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
    const line = `epoch ${info.epoch}/${info.epochs} [${bar}] ${info.step}/${info.stepsPerEpoch} loss ${info.loss.toFixed(4)} lr ${info.lr.toExponential(1)}`;
    stream.write(`\r${line}${last ? '\n' : ''}`);
  };
}
