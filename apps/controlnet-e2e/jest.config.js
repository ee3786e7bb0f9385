// The ControlNet web page, end to end: `bento serve` and headless Chromium (playwright-core).
module.exports = {
  ...require('../../tools/jest/preset'),
  displayName: 'controlnet-e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.test.ts'],
};
