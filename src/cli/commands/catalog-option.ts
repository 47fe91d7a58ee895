import type { Catalog } from '../../catalog/types.js';
import { embeddedCatalog } from '../../catalog/embedded.js';

/**
 * `--catalog FILE` replaces the embedded catalog. The loader (zod, yaml) is imported only
 * when a file is given, so the offline default path stays fast to start.
 */
export async function resolveCatalog(file: string | undefined): Promise<Catalog> {
  if (!file) return embeddedCatalog();
  const { loadCatalogFile } = await import('../../catalog/load.js');
  return loadCatalogFile(file);
}
