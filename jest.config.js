// `npm test` runs every project's tests in one Jest process.
module.exports = {
  projects: ['<rootDir>/packages/core', '<rootDir>/packages/tests', '<rootDir>/native', '<rootDir>/apps/sdxl', '<rootDir>/apps/controlnet', '<rootDir>/apps/controlnet-e2e'],
  reporters: ['default', '<rootDir>/tools/jest/summary-reporter.js'],
  // A global option: Jest ignores testTimeout inside a project's config. Integration tests start
  // real processes, and a loaded 2-core machine can take seconds to start one.
  testTimeout: 60_000,
};
