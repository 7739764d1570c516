// Entry point of the extension-host test suite in the @vscode/test-electron layout: the extension host
// loads this module (`--extensionTestsPath`) and awaits `run()`. Used by test/host/runInCodeServer.ts;
// `npm run test:desktop` (@vscode/test-cli) loads the same *.test.js files with its own runner.
import fs from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 30_000, color: false });
  const grep = process.env.LMA_HOST_TEST_GREP;
  if (grep) mocha.grep(grep);
  // code-server's extension host does not forward stdout anywhere we can read, so the runner asks for
  // a copy of the report in a file.
  const reportFile = process.env.LMA_HOST_TEST_REPORT;
  if (reportFile) {
    const log = Mocha.reporters.Base.consoleLog;
    Mocha.reporters.Base.consoleLog = (...args: unknown[]) => {
      fs.appendFileSync(reportFile, `${format(...args)}\n`);
      log(...args);
    };
  }
  for (const file of fs.readdirSync(__dirname).sort()) {
    if (file.endsWith('.test.js')) mocha.addFile(path.join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) =>
      failures > 0 ? reject(new Error(`${failures} extension-host test(s) failed.`)) : resolve(),
    );
  });
}
