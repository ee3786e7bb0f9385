module.exports = {
  ...require('../tools/jest/preset'),
  displayName: 'native',
  rootDir: __dirname,
  testMatch: ['<rootDir>/lib/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
};
