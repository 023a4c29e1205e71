export * from './objective';
export * from './nt-xent';
export * from './simclr';
export * from './registry';
