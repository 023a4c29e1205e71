/**
 * Seeded pseudo-random numbers. Every random choice in sslmem flows from an `Rng`
 * (never `Math.random`), so the same seed gives the same numbers.
 *
 * The generator is sfc32 (small fast counter, 128-bit state) seeded through
 * splitmix32; `fork(label)` derives an independent stream for a named purpose so that
 * adding a draw in one place does not shift the numbers drawn elsewhere.
 */
export interface Rng {
  /** The seed this generator was created from. */
  readonly seed: number;
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal draw (Box-Muller). */
  normal(): number;
  /** A fresh 32-bit unsigned integer, e.g. to seed a `tf.random*` op. */
  uint32(): number;
  /** An independent generator for a named sub-task, derived from this one's seed. */
  fork(label: string | number): Rng;
  /** Fisher-Yates shuffle of a copy of `items` (or of 0..n-1 when given a number). */
  permutation(n: number): Int32Array;
}

function splitmix32(a: number): () => number {
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    t ^= t >>> 15;
    return t >>> 0;
  };
}

/** 32-bit FNV-1a hash of a string, used to turn fork labels into seeds. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** An sfc32 generator: `raw` draws a 32-bit unsigned integer; its state (a, b, c, d) can be read and set. */
interface Sfc32 {
  raw(): number;
  state(): Int32Array;
  setState(state: Int32Array): void;
}

/** The sfc32 generator of `createRng(seed)`: splitmix32 of the seed gives the state, 12 draws are discarded. */
function sfc32(seed: number): Sfc32 {
  if (!Number.isInteger(seed)) {
    throw new Error(`createRng: expected an integer seed, found ${seed}`);
  }
  const init = splitmix32(seed >>> 0);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const raw = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) raw();
  return {
    raw,
    state: () => Int32Array.of(a, b, c, d),
    setState: (state) => {
      [a, b, c, d] = state;
    },
  };
}

/** The generators `createRng` made, for `rngState` and `setRngState`. */
const generators = new WeakMap<Rng, Sfc32>();

/**
 * A copy of the sfc32 state (a, b, c, d) of a generator `createRng` made (undefined for any
 * other `Rng`): for code that draws the same stream elsewhere (the native binding's normal
 * pairs) and then moves the generator on with `setRngState`.
 */
export function rngState(rng: Rng): Int32Array | undefined {
  return generators.get(rng)?.state();
}

/** Sets the state of a generator `createRng` made (what drawing its stream elsewhere left). */
export function setRngState(rng: Rng, state: Int32Array): void {
  const generator = generators.get(rng);
  if (generator === undefined || state.length !== 4) throw new Error('setRngState: expected a generator made by createRng and a state of 4 integers');
  generator.setState(state);
}

/** Creates a seeded generator. `seed` must be a finite integer. */
export function createRng(seed: number): Rng {
  const generator = sfc32(seed);
  const { raw } = generator;
  let spare: number | null = null;
  const rng: Rng = {
    seed,
    next: () => raw() / 4294967296,
    uniform: (lo, hi) => lo + (hi - lo) * (raw() / 4294967296),
    int: (n) => {
      if (!(n > 0)) throw new Error(`Rng.int: expected n > 0, found ${n}`);
      return Math.floor((raw() / 4294967296) * n);
    },
    normal: () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = 0;
      while (u === 0) u = raw() / 4294967296;
      const v = raw() / 4294967296;
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    uint32: raw,
    fork: (label) => createRng((hashString(`${seed}/${label}`) ^ Math.imul(seed, 0x9e3779b1)) | 0),
    permutation: (n) => {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = i;
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor((raw() / 4294967296) * (i + 1));
        const t = out[i];
        out[i] = out[j];
        out[j] = t;
      }
      return out;
    },
  };
  generators.set(rng, generator);
  return rng;
}
