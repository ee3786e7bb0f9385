/**
 * The ControlNet page when the graph requires API keys: `bento serve` of apps/controlnet with
 * BENTO_API_KEYS in its environment (every service's process gets it), headless Chromium on the
 * page. The page's files load without a key; its generation shows the service's 401 until the
 * key is typed, then runs through SDXLControlNetService (reached over the internal route, which
 * needs the graph's token, not a key).
 */
import { randomBytes } from 'node:crypto';
import { describeInBrowser } from './support/chromium';
import { housePng } from './support/images';
import { pageSuite } from './support/page-suite';

const KEY = randomBytes(24).toString('hex');

describeInBrowser('the ControlNet page with API keys on', () => {
  const suite = pageSuite({ BENTO_API_KEYS: KEY });

  it("shows the service's 401 without a key, generates with it, and no key reaches the logs", async () => {
    const { page, app } = suite;
    const loaded = await page.goto(app.url);
    expect(loaded!.status()).toBe(200);
    await page.waitForSelector('body[data-state=idle]');
    await page.setInputFiles('#image', { name: 'house.png', mimeType: 'image/png', buffer: await housePng(64, 64) });
    await page.fill('#prompt', 'a red house');
    await page.fill('#steps', '2');

    await page.click('#start');
    await page.waitForSelector('body[data-state=failed]');
    expect(await page.textContent('#error-message')).toBe(
      'This API needs an API key: send "Authorization: Bearer <key>" or "X-API-Key: <key>" (unauthorized, 401)',
    );
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('api-key');

    await page.fill('#api-key', 'not-the-key-but-long-enough');
    await page.click('#start');
    await page.waitForSelector('body[data-state=failed]');
    expect(await page.textContent('#error-message')).toContain('(unauthorized, 401)');

    await page.fill('#api-key', KEY);
    await page.click('#start');
    await page.waitForSelector('body[data-state=done]', { timeout: 60_000 });
    expect(await page.isVisible('#output')).toBe(true);

    // Both services' lines, the refused calls' and the generation's, and none carries the key.
    // Services write their lines in batches (flushed within a second): wait for the last ones.
    const deadline = Date.now() + 10_000;
    const lines = () => app.served.logs();
    while (!(lines().some((l) => l.status === 401) && lines().some((l) => l.service === 'ControlNet' && l.msg === 'generated')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const logged = JSON.stringify(lines());
    expect(logged).toContain('"status":401');
    expect(logged).toContain('"msg":"generated"');
    expect(logged).toContain('SDXLControlNetService');
    expect(logged).not.toContain(KEY);
  }, 120_000);
});
