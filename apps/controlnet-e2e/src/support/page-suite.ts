/** The set-up every page test file shares: the app served, one browser, a fresh watched page per test. */
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { serveControlNet, type ServedControlNet } from './controlnet-app';
import { watchPage } from './page-watch';

export interface PageSuite {
  /** The served ControlNet graph, from the describe block's first test on. */
  readonly app: ServedControlNet;
  /** This test's page; it must end the test with no problems (script errors, CSP violations). */
  readonly page: Page;
}

/**
 * Registers the describe block's hooks: `bento serve` of the app (with `env` in every process)
 * and Chromium started together, a new page per test that is closed and checked for problems
 * after it, and everything stopped after the block.
 */
export function pageSuite(env: NodeJS.ProcessEnv = {}): PageSuite {
  let app: ServedControlNet | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let problems: string[] = [];

  beforeAll(async () => {
    [app, browser] = await Promise.all([serveControlNet(env), launchChromium()]);
  }, 150_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
  beforeEach(async () => {
    page = await browser!.newPage();
    ({ problems } = await watchPage(page));
  });
  afterEach(async () => {
    await page?.close();
    expect(problems).toEqual([]);
  });

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the ${what} exists only while the tests of its describe block run`);
    return value;
  };
  return {
    get app() {
      return ready(app, 'served app');
    },
    get page() {
      return ready(page, 'page');
    },
  };
}
