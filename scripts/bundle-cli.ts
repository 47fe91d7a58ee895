/**
 * `npm run build` (after tsc): the CLI as one bundled ES module, `dist/bin/pantherctl.js`,
 * which `bin/pantherctl.js` runs. Node's module loader pays per file (about a millisecond
 * each on our machines, a tenth of `node -e 0` for a dozen), so the entry holds everything an
 * offline command runs. Code behind a dynamic `import()` (each command's body, each AWS SDK
 * client, zod and yaml) is split into chunks loaded only when reached, so offline commands
 * never load the SDK and `status` loads CloudFormation and CodeBuild only. Source maps are
 * kept beside the chunks (`--debug` turns them on for stack traces). The library keeps tsc's
 * ES modules in `dist/`.
 *
 * esbuild alone would put every module that the entry shares with a chunk into a chunk of its
 * own (eleven small files before `plan` could run); hence the passes below.
 */
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { cpSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, sep } from 'node:path';
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

/**
 * A named import of a Node built-in from an ES module makes Node build an ES "facade" of it,
 * which reads every export, lazy getters included: `import { readFileSync } from 'node:fs'`
 * loads fs's streams and `fs/promises` (about 3 ms, a third of what the entry's own code
 * costs to evaluate). A built-in taken as a CommonJS value reads an export only when the code
 * does, so every built-in the bundle imports becomes `process.getBuiltinModule(id)`.
 */
const builtinsWithoutFacades: Plugin = {
  name: 'builtins-without-facades',
  setup(b) {
    const names = builtinModules.map((m) => m.replace(/[/]/g, '\\/')).join('|');
    b.onResolve({ filter: new RegExp(`^(node:)?(${names})$`) }, (args) => ({ path: args.path.replace(/^(node:)?/, 'node:'), namespace: 'builtin' }));
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({ contents: `module.exports = process.getBuiltinModule(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

/** Settings shared by every esbuild pass. */
export const bundleOptions: BuildOptions = {
  absWorkingDir: ROOT,
  bundle: true,
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
  plugins: [lazyChildProcess, builtinsWithoutFacades],
  metafile: true,
  logLevel: 'warning',
};

const ENTRY = 'src/cli/main.ts';
const CHUNKS = 'chunks';

const rel = (abs: string): string => relative(ROOT, abs).split(sep).join('/');

/**
 * Pass 1: the modules the entry runs before any `import()` (its "start" modules, ours under
 * src/) and the targets of the `import()`s among them.
 */
async function probeStart(): Promise<{ start: Set<string>; targets: Set<string> }> {
  const targets = new Set<string>();
  const probe: Plugin = {
    name: 'probe-dynamic-imports',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.pluginData === 'probe') return undefined;
        const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'probe' });
        targets.add(rel(r.path));
        return { path: args.path, external: true };
      });
    },
  };
  const r = await build({ ...bundleOptions, entryPoints: [ENTRY], outdir: 'probe', write: false, minify: false, sourcemap: false, plugins: [...(bundleOptions.plugins ?? []), probe] });
  const start = new Set(Object.keys(r.metafile?.inputs ?? {}).filter((p) => p.startsWith('src/')));
  return { start, targets: new Set([...targets].filter((t) => !start.has(t))) };
}

/** Pass 2: the names each start module exports (star re-exports resolved). */
async function exportNames(modules: readonly string[]): Promise<Map<string, string[]>> {
  const r = await build({ ...bundleOptions, entryPoints: [...modules], outdir: 'probe', splitting: true, write: false, minify: false, sourcemap: false });
  const out = new Map<string, string[]>();
  for (const o of Object.values(r.metafile?.outputs ?? {})) if (o.entryPoint) out.set(o.entryPoint, o.exports);
  return out;
}

/**
 * Pass 3, the chunks: every `import()` target, split. A start module is not bundled again:
 * it is already loaded with the entry, so a chunk imports it from the entry (the "facade"
 * re-exports the entry's bindings under their own names). Modules stay single instances
 * (`instanceof PantherctlError` holds across chunks), and the entry stays one file.
 */
function facades(index: Map<string, number>, names: Map<string, string[]>): Plugin {
  return {
    name: 'start-module-facades',
    setup(b) {
      b.onResolve({ filter: /^\./ }, async (args) => {
        if (args.pluginData === 'facade' || !args.importer.includes(`${sep}src${sep}`)) return undefined;
        if (args.namespace === 'start-facade') return { path: args.path, external: true };
        const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'facade' });
        const module = rel(r.path);
        return index.has(module) ? { path: module, namespace: 'start-facade' } : undefined;
      });
      b.onResolve({ filter: /^\.\.\/pantherctl\.js$/, namespace: 'start-facade' }, (args) => ({ path: args.path, external: true }));
      b.onLoad({ filter: /.*/, namespace: 'start-facade' }, (args) => {
        const i = index.get(args.path)!;
        const list = (names.get(args.path) ?? []).map((n) => `__s${i}_${n} as ${n}`).join(', ');
        return { contents: `export { ${list} } from '../pantherctl.js';`, loader: 'js' };
      });
    },
  };
}

/** Pass 4, the entry: main and every start module in one file, re-exporting what chunks use. */
function entrySource(index: Map<string, number>, names: Map<string, string[]>): string {
  const lines = [`export { main } from './${ENTRY}';`];
  for (const [module, i] of index) {
    const list = (names.get(module) ?? []).map((n) => `${n} as __s${i}_${n}`).join(', ');
    if (list) lines.push(`export { ${list} } from './${module}';`);
  }
  return lines.join('\n');
}

function mergeMetafiles(...metas: Array<Metafile | undefined>): Metafile {
  const out: Metafile = { inputs: {}, outputs: {} };
  for (const m of metas) {
    Object.assign(out.inputs, m?.inputs);
    Object.assign(out.outputs, m?.outputs);
  }
  return out;
}

/**
 * Builds the bundle: `dist/bin/pantherctl.js` (the entry and every module it runs before its
 * first `import()`, one file: Node's loader pays per file) and `dist/bin/chunks/` (everything
 * behind an `import()`, split by esbuild). Returns the two passes' metafiles merged.
 */
export async function bundleCli(overrides: BuildOptions = {}): Promise<Metafile> {
  const { start, targets } = await probeStart();
  const modules = [...start].sort();
  const index = new Map(modules.map((m, i) => [m, i]));
  const names = await exportNames(modules);
  const outdir = overrides.outdir ?? BUNDLE_DIR;
  const chunks = await build({
    ...bundleOptions,
    ...overrides,
    entryPoints: [...targets].sort(),
    outdir,
    splitting: true,
    entryNames: `${CHUNKS}/[name]-[hash]`,
    chunkNames: `${CHUNKS}/[name]-[hash]`,
    plugins: [...(overrides.plugins ?? bundleOptions.plugins ?? []), facades(index, names)],
  });
  const chunkOf = new Map<string, string>();
  for (const [file, o] of Object.entries(chunks.metafile?.outputs ?? {})) if (o.entryPoint) chunkOf.set(o.entryPoint, `./${relative(outdir, file).split(sep).join('/')}`);
  const toChunks: Plugin = {
    name: 'dynamic-imports-to-chunks',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.pluginData === 'entry') return undefined;
        const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'entry' });
        const chunk = chunkOf.get(rel(r.path));
        return chunk ? { path: chunk, external: true } : undefined;
      });
    },
  };
  const entry = await build({
    ...bundleOptions,
    ...overrides,
    stdin: { contents: entrySource(index, names), resolveDir: ROOT, sourcefile: 'pantherctl-entry.js', loader: 'js' },
    outdir: undefined,
    outfile: join(outdir, 'pantherctl.js'),
    splitting: false,
    plugins: [...(overrides.plugins ?? bundleOptions.plugins ?? []), toChunks],
  });
  return mergeMetafiles(entry.metafile, chunks.metafile);
}

/**
 * The sandbox's fixture templates are YAML that tsc does not copy; an installed package has no
 * `src/`, so they go beside the compiled sandbox (`dist/sandbox/fixtures/`), where both the
 * library and the bundle's chunks look for them (src/sandbox/fixtures/fixtures.ts).
 */
export function copySandboxFixtures(): void {
  const from = join(ROOT, 'src/sandbox/fixtures');
  const to = join(ROOT, 'dist/sandbox/fixtures');
  rmSync(join(to, 'templates'), { recursive: true, force: true });
  cpSync(join(from, 'versions.yml'), join(to, 'versions.yml'));
  cpSync(join(from, 'templates'), join(to, 'templates'), { recursive: true });
}

// `tsx scripts/bundle-cli.ts` (npm run build) writes the bundle; tests import bundleOptions.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // Chunk names carry content hashes: without a clean directory, old chunks would pile up.
  rmSync(join(ROOT, BUNDLE_DIR), { recursive: true, force: true });
  copySandboxFixtures();
  bundleCli().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  });
}
