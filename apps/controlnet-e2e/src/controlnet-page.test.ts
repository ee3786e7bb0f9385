/**
 * The ControlNet page end to end, as a user meets it: `bento serve` of apps/controlnet (each
 * service in its own process, on the generated demo model) and headless Chromium on its page at
 * `/`, which follows POST /generate_stream.
 */
import { artifactPath } from './support/artifacts';
import { describeInBrowser } from './support/chromium';
import { housePng } from './support/images';
import { requestsInProgress } from './support/metrics';
import { PAGE_HEADERS } from './support/page-headers';
import { pageSuite } from './support/page-suite';
import { until } from './support/wait';

describeInBrowser('the ControlNet page, end to end', () => {
  const suite = pageSuite();

  it('shows the edges at once, the progress step by step to 100 %, then the image at the upload size rounded down to 8', async () => {
    const { page, app } = suite;
    const response = await page.goto(app.url);
    expect(response!.headers()).toMatchObject(PAGE_HEADERS);
    await page.setInputFiles('#image', { name: 'house.png', mimeType: 'image/png', buffer: await housePng(130, 98) });
    await page.fill('#prompt', 'a red house');
    await page.fill('#steps', '4');
    await page.fill('#seed', '7');
    // Every text the progress shows, and whether the edges were there then.
    await page.evaluate(() => {
      const percent = document.getElementById('percent')!;
      const edges = document.getElementById('edges') as HTMLImageElement;
      const seen: string[] = [];
      Object.assign(window, { progressSeen: seen });
      new MutationObserver(() => {
        const now = `${percent.textContent}${edges.hidden ? '' : ' with edges'}`;
        if (seen.at(-1) !== now) seen.push(now);
      }).observe(percent, { childList: true, characterData: true, subtree: true });
    });
    await page.click('#start');
    await page.waitForSelector('body[data-state=done]', { timeout: 60_000 });

    expect(await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen)).toEqual(['0 %', '25 % with edges', '50 % with edges', '75 % with edges', '100 % with edges']);
    expect(await page.$eval('#progress', (bar: HTMLProgressElement) => [bar.value, bar.max])).toEqual([4, 4]);
    const edges = await page.$eval('#edges', (img: HTMLImageElement) => img.decode().then(() => ({ src: img.src.slice(0, 22), width: img.naturalWidth })));
    expect(edges).toEqual({ src: 'data:image/png;base64,', width: expect.any(Number) });
    expect(edges.width).toBeGreaterThan(0);
    const output = await page.$eval('#output', (img: HTMLImageElement) => img.decode().then(() => [img.naturalWidth, img.naturalHeight]));
    expect(output).toEqual([128, 96]);
    expect(await page.textContent('#output-caption')).toBe('Generated: 128 × 96, seed 7');
    expect(await page.textContent('#status')).toMatch(/^Done in \d+\.\d s\.$/);
    await page.screenshot({ path: artifactPath('controlnet-page.png'), fullPage: true });
  });

  it('cancels: the page says so and SDXLControlNetService stops generating', async () => {
    const { page, app } = suite;
    await page.goto(app.url);
    await page.click('#sample');
    await page.waitForSelector('#input-preview:not([hidden])');
    // 150 steps at 512×384: tens of seconds on the demo model, so the cancel lands mid-way.
    await page.fill('#steps', '150');
    await page.click('#start');
    await page.waitForFunction(() => (document.getElementById('progress') as HTMLProgressElement).value >= 1, undefined, { timeout: 60_000 });
    expect(await requestsInProgress(app.sdxlUrl)).toBe(1);

    await page.click('#cancel');
    await page.waitForSelector('body[data-state=cancelled]');
    expect(await page.textContent('#status')).toBe('Cancelled.');
    expect(await page.isHidden('#error')).toBe(true);
    await until(async () => (await requestsInProgress(app.sdxlUrl)) === 0, 'SDXLControlNetService to have no request in progress', 15_000);
    // It stopped part way (its own account, logged within a second), and made no picture.
    const sdxlLines = () => app.served.logs().filter((line) => line.service === 'SDXLControlNetService');
    const stoppedLines = () => sdxlLines().filter((line) => line.msg === 'generation stopped' && line.total === 150);
    await until(async () => stoppedLines().length > 0, "SDXLControlNetService's 'generation stopped' line", 5_000);
    const stopped = stoppedLines();
    expect(stopped).toHaveLength(1);
    expect(stopped[0]!.step).toBeLessThan(150);
    expect(sdxlLines().filter((line) => line.msg === 'generated' && line.steps === 150)).toEqual([]);
    expect(await page.isEnabled('#start')).toBe(true);
  });

  it("shows the service's error for a file that is not an image", async () => {
    const { page, app } = suite;
    await page.goto(app.url);
    const text = Buffer.from('just some text, not a picture\n');
    await page.setInputFiles('#image', { name: 'notes.txt', mimeType: 'text/plain', buffer: text });
    await page.click('#start');
    await page.waitForSelector('body[data-state=failed]');

    // The same request, straight: what the page shows is what the service answered.
    const form = new FormData();
    form.append('image', new Blob([text], { type: 'text/plain' }), 'notes.txt');
    form.append('params', JSON.stringify({ prompt: await page.inputValue('#prompt'), num_inference_steps: 25 }));
    const answer = await fetch(`${app.url}/generate_stream`, { method: 'POST', body: form });
    expect(answer.status).toBe(400);
    const { error } = (await answer.json()) as { error: { code: string; message: string; details: Array<{ path: string; message: string }> } };
    expect(await page.textContent('#error-message')).toBe(`${error.message} (${error.code}, 400)`);
    expect(await page.$$eval('#error-details li', (items) => items.map((li) => li.textContent))).toEqual(error.details.map((d) => `${d.path}: ${d.message}`));
    expect(error.details.map((d) => d.path)).toContain('image');
    await page.screenshot({ path: artifactPath('controlnet-page-error.png'), fullPage: true });
  });
});
