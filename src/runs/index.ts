// Runs room: a content-addressed cache of computed things (encoders, histories, scores).
export * from './canonical-json';
export * from './library-version';
export * from './run-key';
export * from './run-store';
export * from './run-codec';
export * from './cached';
export * from './code-fingerprint';
export * from './provenance';
export * from './run-maintenance';
export * from './run-lock';
