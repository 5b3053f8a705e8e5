/**
 * NestJS 12 ships ES modules only, so the server's tests run in Jest's native ESM mode
 * (`node --experimental-vm-modules`). Three projects: unit specs beside the code, port contract
 * suites against real services, and e2e over HTTP against the built server.
 */
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', useESM: true }];
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': tsJest },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  moduleFileExtensions: ['ts', 'js', 'json'],
};

/** `x.scaled.e2e-spec.ts` runs only in the scaled pass, `x.embedded.e2e-spec.ts` only in the embedded one. */
const drivers = process.env.BASALT_TEST_DRIVERS ?? 'embedded';
const otherDrivers = drivers === 'scaled' ? 'embedded' : 'scaled';

export default {
  projects: [
    { ...common, displayName: 'unit', roots: ['<rootDir>/src'], testMatch: ['**/*.spec.ts'] },
    { ...common, displayName: 'contract', roots: ['<rootDir>/test/contracts'], testMatch: ['**/*.contract-spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      testPathIgnorePatterns: [`\\.${otherDrivers}\\.e2e-spec\\.ts$`],
    },
  ],
};
