import { Command } from 'commander';
import { deleteCommand, getCommand, listCommand } from './bento-commands';
import { buildCommand } from './build-command';
import { containerizeCommand } from './containerize-command';
import { deployCommand } from './deploy-command';
import { serveCommand } from './serve-command';

/** The `bento` command line. */
export function createProgram(version: string): Command {
  return new Command('bento')
    .description('Bento for TypeScript: serve ML models as Services')
    .version(version, '-v, --version')
    // Program options only before a subcommand: `bento deploy --version 1.0` is the images' tag.
    .enablePositionalOptions()
    .showHelpAfterError('(run bento --help for usage)')
    .addCommand(serveCommand())
    .addCommand(buildCommand())
    .addCommand(listCommand())
    .addCommand(getCommand())
    .addCommand(deleteCommand())
    .addCommand(containerizeCommand())
    .addCommand(deployCommand());
}
