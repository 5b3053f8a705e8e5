export * from './errors';
export * from './principal';
export * from './admin';
export * from './settings';
export * from './ops';
export * from './collections';
export * from './jobs';
export * from './events';
