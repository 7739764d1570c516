#!/usr/bin/env node
// Shim for `npx lma-local-org`: runs the bundled CLI (dist/cli.js, built from cli.ts by `npm run build`).
'use strict';

// A long-running `start` holds the whole world in memory; V8's default young generation makes the
// process keep ~70 MB more resident than it uses. Small semi-spaces keep a 100,000-license local org
// under 300 MB (see bench/localOrgApi.ts), so `start` re-runs itself with them.
const SEMI_SPACE = '--max-semi-space-size=8';
if (process.argv[2] === 'start' && !process.execArgv.includes(SEMI_SPACE)) {
  const { spawn } = require('node:child_process');
  // The IPC channel tells the child when this process is gone, even by kill -9 (which it can't
  // catch): the child then stops, and never holds the port and the data folder as an orphan.
  const child = spawn(process.execPath, [SEMI_SPACE, __filename, ...process.argv.slice(2)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => (signal ? process.kill(process.pid, signal) : process.exit(code ?? 0)));
} else {
  if (process.channel) {
    // Started by the shim above: stop (cleanly, as on Ctrl+C) when it goes away. Unref'd, so the
    // channel alone never keeps this process running once the server has closed.
    process.channel.unref();
    process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  }
  const { main } = require('../dist/cli.js');
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (error) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    },
  );
}
