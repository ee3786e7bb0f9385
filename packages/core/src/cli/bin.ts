#!/usr/bin/env node
import { createProgram } from './program';
import { reportCliError } from './serve-command';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../../package.json') as { version: string };

createProgram(version)
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    reportCliError(error);
    // Exit now: a failed start may leave handles open (a model loader's timers, a half-made
    // server), and a process that neither serves nor exits would hang a supervisor or a container.
    process.exit(1);
  });
