import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** The modules a source file loads when it is imported: its static imports, `import type` left out (erased at build time, it loads nothing). */
export function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);
}

/**
 * Everything importing `entry` loads: the source files (relative to `src`) and the packages,
 * following static imports only (an `import()` loads on use, which is what the boundary tests allow).
 */
export function reachable(entry: string, src: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const file = todo.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of staticImports(file)) {
      if (spec.startsWith('.')) todo.push(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else packages.add(spec);
    }
  }
  return { files: [...files].map((f) => relative(src, f)), packages: [...packages] };
}
