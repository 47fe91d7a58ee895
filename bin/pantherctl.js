#!/usr/bin/env node
// Runs the bundled CLI (dist/bin/pantherctl.js, built by `npm run build`).

// Node 22.1+ keeps compiled code in a cache (in the OS temp dir, or NODE_COMPILE_CACHE) and
// starts the next run from it; NODE_DISABLE_COMPILE_CACHE=1 turns it off. Node 20 has none.
process.getBuiltinModule('node:module').enableCompileCache?.();

// The bundle's source maps cost start-up time to read; stack traces need them only with --debug.
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);

// `pantherctl ... | head` closes the pipe early; that is not an error worth a trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const { main } = await import('../dist/bin/pantherctl.js');

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
