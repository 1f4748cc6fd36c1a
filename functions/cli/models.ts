import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

type Installer = typeof import('../../models/packs.mjs');

export interface ModelsFlags {
  dir?: string;
  json?: boolean;
}
export interface AddFlags extends ModelsFlags {
  from?: string;
  mirror?: string;
}

/** models/packs.mjs, the one installer npm's postinstall also runs (found from src or from dist/). */
async function installer(): Promise<Installer> {
  const candidates = [join(import.meta.dirname, '../../models/packs.mjs'), join(import.meta.dirname, '../../../models/packs.mjs')];
  const found = candidates.find((file) => existsSync(file));
  if (!found) throw new Error(`models/packs.mjs is not in ${candidates.join(' or ')}`);
  return (await import(pathToFileURL(found).href)) as Installer;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** `liveness models`: every declared pack, its licence and sources, its models, installed or not and where. */
export async function listModels(flags: ModelsFlags): Promise<number> {
  const packs = await installer();
  const statuses = packs.packStatuses(flags.dir ?? packs.defaultModelDir());
  if (flags.json) {
    console.log(JSON.stringify(statuses.map(({ pack, ...status }) => ({ name: pack.name, licence: pack.licence, ...status, models: pack.models.map((m) => m.id) }))));
    return 0;
  }
  console.log('built in: fr_liveness (npm, models/manifest.json)');
  for (const { pack, dir, installed, damaged } of statuses) {
    const state = installed ? `installed in ${dir}` : damaged ? `damaged in ${dir}: ${damaged} (run models add ${pack.name} again)` : `not installed (would go to ${dir})`;
    console.log(`\n${pack.name}: ${state}`);
    console.log(`  ${pack.description}`);
    console.log(`  licence: ${pack.licence}; ${pack.copyright}`);
    console.log(`  sources, tried in order: ${pack.sources.join(' , ')}`);
    for (const m of pack.models) console.log(`  model ${m.id}@${m.version}: ${m.file}, ${mb(m.bytes)}, sha256 ${m.sha256}`);
  }
  return 0;
}

/** `liveness models add NAME`: download (or copy --from), verify every file, install all or nothing. */
export async function addModels(name: string, flags: AddFlags): Promise<number> {
  const packs = await installer();
  try {
    const done = await packs.addPack(name, { modelDir: flags.dir ?? packs.defaultModelDir(), from: flags.from, mirror: flags.mirror });
    console.log(done.status === 'installed' ? `${name}: installed and verified in ${done.dir} (from ${done.origin})` : `${name}: already installed and verified in ${done.dir}`);
    return 0;
  } catch (error) {
    if (!(error instanceof packs.PackError)) throw error;
    console.error(`${name}: not installed: ${error.message}${error.unreachable ? ' (offline? try --from DIR or --mirror URL)' : ''}; nothing was changed`);
    return 1;
  }
}

/** `liveness models remove NAME`: liveness then uses fr_liveness alone. */
export async function removeModels(name: string, flags: ModelsFlags): Promise<number> {
  const packs = await installer();
  try {
    const done = packs.removePack(name, { modelDir: flags.dir ?? packs.defaultModelDir() });
    console.log(done.removed ? `${name}: removed from ${done.dir}` : `${name}: was not installed in ${done.dir}`);
    return 0;
  } catch (error) {
    if (!(error instanceof packs.PackError)) throw error;
    console.error(`${name}: ${error.message}`);
    return 1;
  }
}
