/** Three projects: unit specs beside the code, port contract suites, and e2e over HTTP. */
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', isolatedModules: true }];
const common = { testEnvironment: 'node', transform: { '^.+\\.ts$': tsJest }, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', roots: ['<rootDir>/src'], testMatch: ['**/*.spec.ts'] },
    { ...common, displayName: 'contract', roots: ['<rootDir>/test/contracts'], testMatch: ['**/*.contract-spec.ts'], testTimeout: 30000 },
    { ...common, displayName: 'e2e', roots: ['<rootDir>/test'], testMatch: ['**/*.e2e-spec.ts'], testTimeout: 60000 },
  ],
};
