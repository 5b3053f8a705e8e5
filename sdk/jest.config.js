/**
 * SDK tests: unit tests of the pieces, and end-to-end tests of every method against a live server
 * from the testkit (`BASALT_TEST_DRIVERS=embedded|scaled`; `npm test` runs both passes).
 * `BASALT_SERVER_DIST` picks another server build folder, as in the server's own e2e tests.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Transpile only; `npm run typecheck` type-checks sources and tests.
    '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true, module: 'commonjs', target: 'es2022', esModuleInterop: true } }],
  },
  testTimeout: 60000,
};
