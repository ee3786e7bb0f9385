#!/usr/bin/env node
import { createProgram } from './program';
import { reportCliError } from './serve-command';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../../package.json') as { version: string };

createProgram(version)
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    reportCliError(error);
    process.exitCode = 1;
  });
