import { createStyle } from '../../io/style.js';
import type { ProgramBuilder } from '../main.js';
import { resolveCatalog } from './catalog-option.js';

interface CatalogListOptions {
  catalog?: string;
}

export function registerCatalogCommand(b: ProgramBuilder): void {
  const catalog = b.command('catalog', 'inspect the release catalog');
  const list = catalog
    .command('list')
    .description('list the releases the planner knows, newest first')
    .option('--catalog <file>', 'release catalog file to use instead of the embedded one');
  b.action<CatalogListOptions>(list, async (ctx, o) => {
    const cat = await resolveCatalog(o.catalog);
    const releases = [...cat.releases].reverse();
    if (ctx.json) {
      ctx.outJson({ source: cat.source, sha256: cat.sha256, releases });
      return 0;
    }
    const s = createStyle(ctx.color);
    ctx.out(s.bold(`${releases.length} releases (catalog ${cat.source}, sha256 ${cat.sha256.slice(0, 12)})`));
    for (const r of releases) {
      const flags = [
        r.recommended ? 'recommended' : '',
        r.yanked ? s.red(`yanked: ${r.yanked.reason}`) : '',
        r.pulumiBuild ? 'panther-pulumi build' : '',
        r.manualSteps.length ? s.yellow(`${r.manualSteps.length} manual step${r.manualSteps.length === 1 ? '' : 's'}`) : '',
        r.templates.root || r.templates.role ? 'pinned template sha256' : '',
      ].filter(Boolean);
      ctx.out(`${r.version.padEnd(10)} ${flags.join(', ')}`);
      for (const note of r.notes) ctx.out(`           ${s.dim(note)}`);
    }
    return 0;
  });
}
