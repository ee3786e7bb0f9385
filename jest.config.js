// `npm test` runs every project's tests in one Jest process.
module.exports = {
  projects: ['<rootDir>/packages/core', '<rootDir>/packages/tests', '<rootDir>/native'],
  reporters: ['default', '<rootDir>/tools/jest/summary-reporter.js'],
};
