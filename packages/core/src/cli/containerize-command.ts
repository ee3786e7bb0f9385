import { Command } from 'commander';
import { containerize } from '../deploy/containerize/containerize';
import { shellLine } from '../deploy/containerize/image-builder';

/** `bento containerize name[:version]`: one image per service of a bento. */
export function containerizeCommand(): Command {
  return new Command('containerize')
    .description('Build one image per service of a bento (docker, else buildah), tagged <bento>-<service>:<version>')
    .argument('<tag>', 'name:version, or name for its newest version')
    .option('--dry-run', 'write the Dockerfiles into the bento and print the build commands, building nothing')
    .action(async (tag: string, flags: { dryRun?: boolean }) => {
      const { images } = await containerize(tag, { dryRun: flags.dryRun }, (image) => {
        process.stdout.write(`${flags.dryRun ? '' : `Building ${image.tag} (${image.service}):\n`}${shellLine(image.command)}\n`);
      });
      if (flags.dryRun) process.stdout.write(`Dockerfiles written: ${[...new Set(images.map((i) => i.dockerfile))].join(', ')}\n`);
      else process.stdout.write(`Built ${images.map((i) => i.tag).join(', ')}\n`);
    });
}
