#!/usr/bin/env node
// The `bento` command. A committed file rather than dist/cli/bin.js itself: npm links a bin only
// when its target exists at install time, and in the workspace dist/ is built after `npm ci`.
// Without a link, `npx bento` would fetch and run whatever the public registry calls "bento".
'use strict';
const path = require('node:path');

const built = path.join(__dirname, '..', 'dist', 'cli', 'bin.js');
try {
  require.resolve(built);
} catch {
  process.stderr.write(
    'bento: @bento/core is not built yet (' + path.relative(process.cwd(), built) + ' is missing).\n' +
      'Build it with: npx nx run core:build   (or npm run build for the whole workspace)\n',
  );
  process.exit(1);
}
require(built);
