import path from 'node:path';
import { Command } from 'commander';
import { buildBento } from '../deploy/bento/build-bento';
import { formatSize } from './format-size';

/** `bento build [dir]`: a versioned bento of dir/bentofile.yaml in the local store. */
export function buildCommand(): Command {
  return new Command('build')
    .description('Build a bento from bentofile.yaml into the local store (BENTO_HOME, default ~/.bento): the app, the workspace packages it uses, the lockfile and its service graph')
    .argument('[dir]', 'the folder of bentofile.yaml', '.')
    .action(async (dir: string) => {
      const bento = await buildBento({ dir: path.resolve(dir) });
      const services = bento.manifest.services.map((s) => s.name).join(', ');
      process.stdout.write(
        bento.existed
          ? `Bento ${bento.tag} is already built (the same inputs): ${bento.path}\n`
          : `Built bento ${bento.tag} (${formatSize(bento.size)}; services: ${services}): ${bento.path}\n`,
      );
    });
}
