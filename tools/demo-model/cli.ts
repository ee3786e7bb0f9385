/**
 * Command line: `tsx tools/demo-model/cli.ts <out-dir> [--float16]`.
 * Replaces <out-dir> if it is empty or a previous demo model; refuses any other folder.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_MODEL_MARKER, generateDemoModel } from './generate';

const USAGE = 'Usage: tsx tools/demo-model/cli.ts <out-dir> [--float16]';

function isDemoModel(dir: string): boolean {
  try {
    const index = JSON.parse(readFileSync(join(dir, 'model_index.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    return DEMO_MODEL_MARKER in index;
  } catch {
    return false;
  }
}

function main(args: readonly string[]): number {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const unknown = args.filter((a) => a.startsWith('-') && a !== '--float16');
  const positional = args.filter((a) => !a.startsWith('-'));
  if (unknown.length > 0 || positional.length !== 1) {
    console.error(unknown.length > 0 ? `Unknown option ${unknown[0]}\n${USAGE}` : USAGE);
    return 2;
  }
  const [dir] = positional;
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    if (!isDemoModel(dir)) {
      console.error(
        `${dir} is not empty and holds no demo model (model_index.json with ${DEMO_MODEL_MARKER}); not replacing it.`,
      );
      return 1;
    }
    rmSync(dir, { recursive: true });
  }
  const started = performance.now();
  const float16 = args.includes('--float16');
  generateDemoModel(dir, { float16 });
  console.log(
    `Wrote the ${float16 ? 'float16' : 'float32'} demo model to ${dir} in ${Math.round(performance.now() - started)} ms`,
  );
  return 0;
}

process.exitCode = main(process.argv.slice(2));
