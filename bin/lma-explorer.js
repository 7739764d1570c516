#!/usr/bin/env node
// Shim for `npx lma-explorer`: runs the bundled headless CLI (built from src/cli/main.ts).
'use strict';

const { main } = require('../dist/cli.js');
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 2;
  },
);
