module.exports = {
  ...require('../../tools/jest/preset'),
  displayName: 'controlnet',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
};
