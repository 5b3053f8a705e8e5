export * from './basalt-process';
export * from './services';
export * from './http-client';
export * from './tcp-proxy';
export * from './eventually';
export * from './run-cli';
export * from './push-fakes';
