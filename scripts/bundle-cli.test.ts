/**
 * What the bundle loads when (issue 10, item 6), read from esbuild's metafile: a command
 * loads the chunks its entry imports statically, and the rest only when an `import()` is
 * reached. And the built bundle starts (run `npm run build` first, as for the e2e tests).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_DIR, bundleCli, bundleOptions } from './bundle-cli.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
let meta: Metafile;

beforeAll(async () => {
  meta = await bundleCli({ write: false });
}, 60_000);

/** The chunks a chunk loads before it runs: itself and its static imports, transitively. */
function staticClosure(output: string, seen = new Set<string>()): Set<string> {
  if (seen.has(output)) return seen;
  seen.add(output);
  for (const i of meta.outputs[output]!.imports) if (i.kind === 'import-statement' && !i.external) staticClosure(i.path, seen);
  return seen;
}

/** npm packages (`@aws-sdk/client-s3`, `zod`) bundled into these chunks. */
function packages(outputs: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const o of outputs) {
    for (const input of Object.keys(meta.outputs[o]!.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      if (m) out.add(m[1]!);
    }
  }
  return out;
}

const isSdk = (p: string): boolean => p.startsWith('@aws-sdk/') || p.startsWith('@smithy/');

/** The chunk whose `import()` target is this source file. */
function chunkOf(source: string): string {
  const found = Object.entries(meta.outputs).find(([, o]) => o.entryPoint === source);
  if (!found) throw new Error(`no chunk for ${source}`);
  return found[0];
}

describe('the CLI bundle', () => {
  it('starts offline commands without the AWS SDK, zod or yaml', () => {
    const loaded = packages(staticClosure(`${BUNDLE_DIR}/pantherctl.js`));
    expect(loaded).toContain('commander');
    expect([...loaded].filter((p) => isSdk(p) || p === 'zod' || p === 'yaml')).toEqual([]);
  });

  it('loads no SDK code with a command body: only a gateway call does', () => {
    const bodies = Object.entries(meta.outputs)
      .filter(([, o]) => o.entryPoint?.startsWith('src/') && !o.entryPoint.startsWith('src/deployments/aws/sdk/'))
      .map(([file, o]) => ({ file, entry: o.entryPoint! }));
    // Every command that talks to AWS is among them (status, upgrade, diagnose, configure...).
    expect(bodies.length).toBeGreaterThan(5);
    for (const { file, entry } of bodies) expect({ entry, sdk: [...packages(staticClosure(file))].filter(isSdk) }).toEqual({ entry, sdk: [] });
  });

  it('starts status without zod: the journal store loads when a journal is read (src/journal/lazy-local-state-store.ts)', () => {
    const loaded = staticClosure(chunkOf('src/deployments/status/status.ts'));
    expect([...packages(loaded)].filter((p) => p === 'zod' || p === 'yaml')).toEqual([]);
    const sources = [...loaded].flatMap((o) => Object.keys(meta.outputs[o]!.inputs));
    expect(sources).not.toContain('src/journal/entry.ts');
    expect(sources).toContain('src/journal/lazy-local-state-store.ts');
  });

  it.each(['cloudformation', 'codebuild', 's3', 'sts'])('loads the %s client alone, when the first call needs it', (service) => {
    const loaded = [...packages(staticClosure(chunkOf(`src/deployments/aws/sdk/${service}.ts`)))];
    expect(loaded).toContain(`@aws-sdk/client-${service}`);
    expect(loaded.filter((p) => p.startsWith('@aws-sdk/client-') && p !== `@aws-sdk/client-${service}`)).toEqual([]);
  });

  it('bundles each of our modules once: a chunk imports what the entry holds from the entry', () => {
    const entry = `${BUNDLE_DIR}/pantherctl.js`;
    const inEntry = Object.keys(meta.outputs[entry]!.inputs).filter((i) => i.startsWith('src/'));
    expect(inEntry).toContain('src/errors/pantherctl-error.ts');
    const twice = Object.entries(meta.outputs)
      .filter(([file]) => file !== entry)
      .flatMap(([file, o]) => Object.keys(o.inputs).filter((i) => inEntry.includes(i)).map((i) => `${i} in ${file}`));
    expect(twice).toEqual([]);
    // One copy of commander too: the chunks never need it.
    expect(Object.entries(meta.outputs).filter(([, o]) => Object.keys(o.inputs).some((i) => i.includes('node_modules/commander/'))).map(([f]) => f)).toEqual([entry]);
  });

  // Reached only by some runs: a build's log tail (CloudWatch Logs: upgrade, resume, deploy,
  // configure while panther-pulumi runs; support-bundle) and `--notify sns:`. Their
  // clients stay behind an import(), loaded at the first call, so a command that tails no log
  // and publishes nothing never loads them.
  it.each([
    ['src/deployments/logs/logs-gateway.ts', '@aws-sdk/client-cloudwatch-logs'],
    ['src/notify/notifier.ts', '@aws-sdk/client-sns'],
  ])('%s loads %s only when its first call needs it', async (entry, client) => {
    const r = await build({ ...bundleOptions, entryPoints: [entry], outdir: 'probe', splitting: true, write: false, minify: false, sourcemap: false });
    const outputs = r.metafile!.outputs;
    const [file] = Object.entries(outputs).find(([, o]) => o.entryPoint === entry)!;
    const closure = (out: string, seen = new Set<string>()): Set<string> => {
      if (seen.has(out)) return seen;
      seen.add(out);
      for (const i of outputs[out]!.imports) if (i.kind === 'import-statement' && !i.external) closure(i.path, seen);
      return seen;
    };
    const bundled = (files: Iterable<string>): string[] => [...files].flatMap((f) => Object.keys(outputs[f]!.inputs));
    expect(bundled(closure(file)).filter((i) => i.includes('node_modules/@aws-sdk/') || i.includes('node_modules/@smithy/'))).toEqual([]);
    expect(bundled(Object.keys(outputs)).some((i) => i.includes(`node_modules/${client}/`))).toBe(true);
  });

  it('keeps a source map beside every chunk', () => {
    const js = Object.keys(meta.outputs).filter((f) => f.endsWith('.js'));
    for (const f of js) expect(meta.outputs[`${f}.map`]).toBeDefined();
  });

  it('starts as built, through bin/pantherctl.js', () => {
    const version = spawnSync(process.execPath, ['bin/pantherctl.js', '--version'], { cwd: ROOT, encoding: 'utf8' });
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const plan = spawnSync(process.execPath, ['bin/pantherctl.js', 'plan', '--from', 'v1.25.1', '--to', 'v1.26', '--json'], { cwd: ROOT, encoding: 'utf8' });
    expect(plan.status).toBe(0);
    expect(JSON.parse(plan.stdout)).toMatchObject({ from: 'v1.25.1', to: 'v1.26.9', hops: [{ version: 'v1.26.9' }] });
  });
});
