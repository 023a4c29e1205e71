#!/usr/bin/env node
// tfjs-core registers its gradients only from its ES-module files (extensionless imports
// that Node's own loader rejects); its CommonJS entry registers none. The compiled library
// (dist/, CommonJS, also loaded by tslab) therefore gets a CommonJS bundle of
// `@tensorflow/tfjs-core/dist/register_all_gradients`, made here with esbuild. The bundle
// carries its own copy of the tfjs-core modules it needs; tfjs-core keeps the engine and
// the kernel/gradient registries on the global object, so both copies share them.
import { build } from 'esbuild';

await build({
  entryPoints: ['node_modules/@tensorflow/tfjs-core/dist/register_all_gradients.js'],
  outfile: 'dist/backend/register-gradients.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  legalComments: 'none',
});
