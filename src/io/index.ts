export * from './safetensors';
export * from './sweep-outputs';
