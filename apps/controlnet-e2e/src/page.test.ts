/**
 * The ControlNet page in headless Chromium, served by the ControlNet app: what the page does
 * before and around a generation (its files and headers, the sample, reading an event stream).
 * Generating, cancelling and errors are in controlnet-page.test.ts.
 */
import { describeInBrowser } from './support/chromium';
import { PAGE_HEADERS } from './support/page-headers';
import { pageSuite } from './support/page-suite';

/** What web/sse.js exports (a browser module, outside this project's TypeScript). */
interface SseModule {
  createEventParser(onEvent: (event: unknown) => void): { push(text: string): void };
  readEvents(body: ReadableStream<Uint8Array>): AsyncIterable<unknown>;
}

describeInBrowser('the ControlNet page on its own', () => {
  const suite = pageSuite();

  it('loads its page, script and styles, every one with the security headers', async () => {
    const { page, app } = suite;
    const loaded: Array<{ url: string; status: number; headers: Record<string, string> }> = [];
    page.on('response', (response) => loaded.push({ url: response.url(), status: response.status(), headers: response.headers() }));
    await page.goto(app.url);
    await page.waitForSelector('body[data-state=idle]');
    expect(await page.title()).toBe('ControlNet');
    const files = loaded.map((r) => new URL(r.url).pathname).sort();
    expect(files).toEqual(['/', '/api-error.js', '/app.js', '/sample.js', '/sse.js', '/style.css']);
    for (const response of loaded) {
      expect({ file: response.url, status: response.status }).toEqual({ file: response.url, status: 200 });
      expect(response.headers).toMatchObject(PAGE_HEADERS);
    }
  });

  it("renders the service's API docs (Swagger UI) under a policy that allows no inline script", async () => {
    const { page, app } = suite;
    const docs = await page.goto(`${app.url}/docs`);
    expect(docs!.headers()).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' });
    expect(docs!.headers()['content-security-policy']).toContain("script-src 'self'");
    // Swagger UI fetched /docs.json and listed the APIs: its scripts ran under that policy.
    await page.waitForSelector('text=/generate_stream');
    expect(await page.locator('.opblock-summary-path').allTextContents()).toEqual(expect.arrayContaining(['/generate', '/generate_stream']));
  });

  it('draws a sample image to start from', async () => {
    const { page, app } = suite;
    await page.goto(app.url);
    await page.click('#sample');
    await page.waitForSelector('#input-preview:not([hidden])');
    const size = await page.$eval('#input-preview', (img: HTMLImageElement) => img.decode().then(() => [img.naturalWidth, img.naturalHeight]));
    expect(size).toEqual([512, 384]);
    expect(await page.textContent('#status')).toBe('sample.png is ready. Type a prompt and generate.');
  });

  it('asks for an image before it sends anything', async () => {
    const { page, app } = suite;
    const posts: string[] = [];
    page.on('request', (request) => void (request.method() === 'POST' && posts.push(request.url())));
    await page.goto(app.url);
    await page.click('#start');
    expect(await page.textContent('#error-message')).toBe('Choose an image (or use the sample) first.');
    expect(posts).toEqual([]);
  });

  it('reads an event stream however it is cut into chunks', async () => {
    const { page, app } = suite;
    await page.goto(app.url);
    const text = ': keep-alive\r\nid: 1\r\ndata: {"type":"edges"}\r\n\r\nid: 2\ndata: {"type":"step",\ndata: "step":1}\n\n: ping\n\nevent: result\ndata: null\n\nevent: error\ndata:{"error":{}}\r\rid: 9\n\n';
    const expected = [
      { type: 'message', data: '{"type":"edges"}', id: '1' },
      { type: 'message', data: '{"type":"step",\n"step":1}', id: '2' },
      { type: 'result', data: 'null', id: '2' },
      { type: 'error', data: '{"error":{}}', id: '2' },
    ];
    const results = await page.evaluate(async (input) => {
      // A variable, so that TypeScript leaves the browser's import() as it is.
      const file = '/sse.js';
      const { createEventParser, readEvents } = (await import(file)) as SseModule;
      const all: unknown[] = [];
      // Every split into two chunks, through the parser directly.
      for (let cut = 0; cut <= input.length; cut++) {
        const events: unknown[] = [];
        const parser = createEventParser((event) => events.push(event));
        parser.push(input.slice(0, cut));
        parser.push(input.slice(cut));
        all.push(events);
      }
      // One byte at a time through a body stream, as fetch gives it.
      const bytes = new TextEncoder().encode(input);
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const byte of bytes) controller.enqueue(new Uint8Array([byte]));
          controller.close();
        },
      });
      const streamed: unknown[] = [];
      for await (const event of readEvents(body)) streamed.push(event);
      return { all, streamed };
    }, text);
    for (const events of results.all) expect(events).toEqual(expected);
    expect(results.streamed).toEqual(expected);
  });
});
