/**
 * Per-kernel CPU profile of the library's benchmark steps (bench/library-step.ts) on wasm,
 * plus the best CPU and wall time of a few steps.
 * Usage: node --import tsx bench/kernels/library-profile.ts [mlp,cnn,vit] [steps] [--threads=N]
 */
import { initBackend } from '../../src/backend';
import { libraryStep, type StepName } from '../library-step';
import { formatProfile, profileKernels } from './profile-kernels';

async function main(): Promise<void> {
  const names = (process.argv[2] ?? 'mlp,cnn').split(',') as StepName[];
  const steps = Number(process.argv[3] ?? 3);
  const threadsArg = process.argv.find((a) => a.startsWith('--threads='));
  const info = await initBackend({ backend: 'wasm', threads: threadsArg ? Number(threadsArg.slice(10)) : 1 });
  console.log(`backend ${info.name}, ${info.threads} thread(s)`);
  for (const name of names) {
    const step = libraryStep(name);
    for (let i = 0; i < 3; i++) step.run(); // warm-up: operators, memory, JIT
    const byShape = process.argv.includes('--shapes');
    console.log(`${name}: ${formatProfile(profileKernels(() => step.run(), byShape), byShape ? 40 : 16)}`);
    let wall = Infinity;
    let cpu = Infinity;
    for (let i = 0; i < steps; i++) {
      const t = performance.now();
      const c = process.cpuUsage();
      step.run();
      const u = process.cpuUsage(c);
      wall = Math.min(wall, performance.now() - t);
      cpu = Math.min(cpu, (u.user + u.system) / 1000);
    }
    console.log(`${name}: best of ${steps}: ${wall.toFixed(1)} ms wall, ${cpu.toFixed(1)} ms cpu`);
    step.dispose();
  }
}

void main();
