// Re-exports only: the conformance suite of backends.
export type { ConformanceCase, ConformanceRow, CaseOutputs } from './conformance-case';
export { caseError } from './conformance-case';
export { conformanceCases } from './conformance-cases';
export { kernelCases } from './kernel-cases';
export { checkpointCase, encoderCases, perExampleCases, trainingCases } from './model-cases';
export { runConformance, type ConformanceOptions, type ConformanceReport } from './run-conformance';
export { conformanceSummary, failureText, formatConformanceTable } from './format-conformance';
