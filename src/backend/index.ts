// Re-exports only.
export * from './init-backend';
export * from './arithmetic';
export {
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
  wasmTrainingKernelsRegistered,
  wasmTrainingKernels,
} from './wasm-kernels/register';
export { wasmThreadsSupported } from './wasm-threads';
export {
  nativeBlas,
  nativeBlasLabel,
  nativeBlasUnavailableReason,
  nativeProducts,
  productsClause,
  useNativeProducts,
  type NativeBlas,
} from './native/native-blas';
