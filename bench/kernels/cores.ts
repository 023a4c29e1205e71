/**
 * Do two threads really run at once on this machine? Times a fixed amount of arithmetic
 * on one thread, then on two at the same time (this thread and a worker). On a machine
 * with two free cores both take about the same time; on a shared VM whose second vCPU is
 * busy elsewhere the pair takes about twice as long or more, and 2-thread timings of the
 * benchmark mean little.
 *
 * Run: node --import tsx bench/kernels/cores.ts
 */
import { Worker } from 'node:worker_threads';

const N = 200_000_000;
const spinSource = `(() => { let x = 0; for (let i = 0; i < ${N}; i++) x += Math.sqrt(i); return x; })()`;

function spin(): number {
  let x = 0;
  for (let i = 0; i < N; i++) x += Math.sqrt(i);
  return x;
}

async function main(): Promise<void> {
  let t0 = performance.now();
  spin();
  const one = performance.now() - t0;
  t0 = performance.now();
  const worker = new Worker(`require('node:worker_threads').parentPort.postMessage(${spinSource})`, { eval: true });
  const done = new Promise<void>((resolve) => worker.once('message', () => resolve()));
  spin();
  await done;
  const two = performance.now() - t0;
  await worker.terminate();
  console.log(`one thread: ${one.toFixed(0)} ms; two threads at once: ${two.toFixed(0)} ms (${(two / one).toFixed(2)}x; about 1 means two free cores)`);
}

void main();
