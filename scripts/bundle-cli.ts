/**
 * `npm run build` (after tsc): the CLI as one bundled ES module, `dist/bin/pantherctl.js`,
 * which `bin/pantherctl.js` runs. Starting Node's module loader on ~150 files of our own and
 * a few hundred of the SDK's costs more than the work of most commands; one file parses once.
 * Code behind a dynamic `import()` (each command's body, each AWS SDK client, zod and yaml)
 * is split into chunks loaded only when reached, so offline commands never load the SDK and
 * `status` loads CloudFormation and CodeBuild only. Source maps are kept beside the chunks
 * (`--debug` turns them on for stack traces). The library keeps tsc's ES modules in `dist/`.
 */
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const BUNDLE_DIR = 'dist/bin';

/**
 * commander loads `node:child_process` at start for executable subcommands, which pantherctl
 * has none of; loading it is the single largest cost of an offline command's start. Here it
 * is a stand-in that loads the real module on first use.
 */
const lazyChildProcess: Plugin = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-child-process' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, key) => process.getBuiltinModule('node:child_process')[key] });",
      loader: 'js',
    }));
  },
};

export const bundleOptions: BuildOptions = {
  absWorkingDir: ROOT,
  entryPoints: { pantherctl: 'src/cli/main.ts' },
  outdir: BUNDLE_DIR,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // The oldest Node the package supports (package.json engines).
  target: 'node20.19',
  // The SDK ships ES modules (`module`) beside CommonJS (`main`); the ES build splits and
  // tree-shakes, and a CommonJS module behind `import()` would need interop at every call.
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: 'linked',
  // Stack traces need positions, not the sources (they would double the package's size).
  sourcesContent: false,
  // CommonJS packages (commander) call `require('node:events')`; an ES module has no
  // `require` of its own, so each chunk gets one for Node's built-in modules, the only ones
  // left to require at run time (everything else is bundled). `process.getBuiltinModule`
  // (Node 20.16+) is cheaper than a `createRequire` per chunk.
  banner: {
    js: "const require = (id) => { const m = process.getBuiltinModule(id); if (m === undefined) throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' }); return m; };",
  },
  plugins: [lazyChildProcess],
  metafile: true,
  logLevel: 'warning',
};

export async function bundleCli(overrides: BuildOptions = {}): Promise<Metafile> {
  const result = await build({ ...bundleOptions, ...overrides });
  return result.metafile ?? { inputs: {}, outputs: {} };
}

// `tsx scripts/bundle-cli.ts` (npm run build) writes the bundle; tests import bundleOptions.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // Chunk names carry content hashes: without a clean directory, old chunks would pile up.
  rmSync(join(ROOT, BUNDLE_DIR), { recursive: true, force: true });
  bundleCli().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  });
}
