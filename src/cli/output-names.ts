import type { Side } from '../design/experiment-config';

/** Output file of a training history: `history-f-seed0.csv`. */
export function historyFileName(side: Side, seed: number): string {
  return `history-${side}-seed${seed}.csv`;
}

/** Output file of a trained encoder: `encoder-f-seed0.safetensors`. */
export function encoderFileName(side: Side, seed: number): string {
  return `encoder-${side}-seed${seed}.safetensors`;
}

/** The resolved config as written to `config.json`. */
export function configJson(config: unknown): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}
