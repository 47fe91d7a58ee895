#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

// `pantherctl ... | head` closes the pipe early; that is not an error worth a trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    // main() turns every known failure into an exit code; reaching here is a bug.
    process.stderr.write(`pantherctl: internal error: ${err && err.message ? err.message : String(err)}\n`);
    process.exitCode = 70;
  },
);
