#!/usr/bin/env node
// Shim for `npx lma-local-org`: runs the bundled CLI (built from emulator/cli.ts).
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain CommonJS shim
const { main } = require('../dist/emulator-cli.js');

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
