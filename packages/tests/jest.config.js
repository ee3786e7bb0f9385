module.exports = {
  ...require('../../tools/jest/preset'),
  displayName: 'tests',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  testTimeout: 60000,
};
