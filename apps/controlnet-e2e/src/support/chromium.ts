/**
 * The browser of the page tests: the system's Chromium (Debian's `chromium` package; .ci/run
 * installs it), driven by playwright-core, which never downloads a browser of its own.
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** The Chromium to drive: `BENTO_CHROMIUM`, else `chromium` or `chromium-browser` on the PATH. */
function findChromium(): string | undefined {
  if (process.env.BENTO_CHROMIUM) return process.env.BENTO_CHROMIUM;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const file = path.join(dir, name);
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {
        // Not here.
      }
    }
  }
  return undefined;
}

export const CHROMIUM = findChromium();

const MISSING = 'Chromium is not installed, so the web page tests are skipped (on Debian: apt-get install -y --no-install-recommends chromium; or set BENTO_CHROMIUM)';

/**
 * `describe` when Chromium is there; else the block is skipped, saying why once, loudly: a missing
 * browser is the only reason these tests may not run.
 */
export function describeInBrowser(name: string, body: () => void): void {
  if (CHROMIUM) return describe(name, body);
  console.warn(MISSING);
  describe.skip(`${name} (skipped: Chromium is not installed)`, body);
}

/** Headless Chromium. `--no-sandbox`: tests run as root in CI, where Chromium's sandbox cannot start. */
export function launchChromium(): Promise<Browser> {
  if (!CHROMIUM) throw new Error(MISSING);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}
