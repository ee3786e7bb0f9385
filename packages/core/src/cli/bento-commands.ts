import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Command } from 'commander';
import { MANIFEST_FILE } from '../deploy/bento/bento-manifest';
import { BentoStore } from '../deploy/bento/bento-store';
import { ConfigError } from '../errors';
import { formatSize } from './format-size';

/** Columns padded to their widest cell; the last one is not padded. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

/** `bento list`: the bentos of the local store, newest first. */
export function listCommand(): Command {
  return new Command('list').description('List the bentos in the local store, newest first').action(async () => {
    const store = new BentoStore();
    const bentos = await store.list();
    if (bentos.length === 0) {
      process.stdout.write(`No bentos in ${store.root} (bento build makes one)\n`);
      return;
    }
    process.stdout.write(table([['TAG', 'SIZE', 'CREATED'], ...bentos.map((b) => [b.tag, formatSize(b.size), b.created_at])]));
  });
}

/** `bento get name[:version]`: prints a bento's bento.yaml. */
export function getCommand(): Command {
  return new Command('get')
    .description("Print a bento's bento.yaml (name alone: its newest version)")
    .argument('<tag>', 'name:version or name')
    .action(async (tag: string) => {
      const bento = await new BentoStore().get(tag);
      process.stdout.write(await readFile(path.join(bento.path, MANIFEST_FILE), 'utf8'));
    });
}

/** `bento delete name:version`: removes a bento from the store, after asking unless --yes. */
export function deleteCommand(): Command {
  return new Command('delete')
    .description('Delete a bento from the local store')
    .argument('<tag>', 'name:version (name alone: its newest version)')
    .option('-y, --yes', 'do not ask')
    .action(async (tag: string, flags: { yes?: boolean }) => {
      const store = new BentoStore();
      const bento = await store.get(tag);
      if (!flags.yes) {
        if (!process.stdin.isTTY) throw new ConfigError(`Not deleting ${bento.tag} without a terminal to ask on: pass --yes`);
        const prompt = createInterface({ input: process.stdin, output: process.stdout });
        const answer = await prompt.question(`Delete bento ${bento.tag} (${formatSize(bento.size)})? [y/N] `);
        prompt.close();
        if (!/^y(es)?$/i.test(answer.trim())) {
          process.stdout.write('Not deleted\n');
          return;
        }
      }
      await store.delete(bento.tag);
      process.stdout.write(`Deleted bento ${bento.tag}\n`);
    });
}
