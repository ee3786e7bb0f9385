module.exports = {
  ...require('../../tools/jest/preset'),
  displayName: 'core',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.test.ts'],
};
