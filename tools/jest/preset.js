// Settings every project's jest.config.js starts from.
const path = require('node:path');

module.exports = {
  testEnvironment: path.join(__dirname, 'node-environment.js'),
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json', 'node'],
  // Workspace packages are tested from their sources, not from a previous build.
  moduleNameMapper: {
    '^@bento/core$': path.join(__dirname, '../../packages/core/src/index.ts'),
    '^@bento/core/client$': path.join(__dirname, '../../packages/core/src/client/index.ts'),
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
