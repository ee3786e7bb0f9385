/**
 * Issue 14, 6c: 10,000 malformed requests (multipart, JSON, images, parameters to ControlNet;
 * frames to SDXLControlNetService's internal route) and 100 streaming clients that vanish after
 * the first event. Every malformed request gets a 4xx in the one JSON error shape, both services
 * stay up, nothing stays in flight, and their memory stays bounded: resident memory before and
 * after (and after the same 10,000 once more) goes to test-artifacts/reliability-malformed.json (docs/reliability.md has a run).
 */
import { request } from 'node:http';
import { find, parsePrometheus } from '../../../../packages/tests/src/helpers/prometheus';
import { generate, metricsOverSocket } from '../support/http';
import { discPng } from '../support/images';
import { serveAppForSuite } from '../support/serve-app';
import { malformedRequest, type Malformed } from './malformed-requests';
import { environOf, rssMiB, servicePid } from './processes';
import { report } from './report';

const MALFORMED = 10_000;
const WARM_UP = 500;
const CONCURRENCY = 16;
const VANISHING_STREAMS = 100;
/** Growth of resident memory over the 10,000 requests that would mean something is kept per request. */
const RSS_GROWTH_LIMIT_MIB = 100;

interface Reply {
  status: number;
  contentType: string;
  body: string;
}

function postOverSocket(socketPath: string, path: string, headers: Record<string, string>, body: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'POST', headers: { ...headers, 'content-length': body.length } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, contentType: String(res.headers['content-type']), body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The V8 heap in use, in MiB, from a service's /metrics (prom-client's default Node.js metrics). */
function heapUsedMiB(text: string): number {
  const bytes = find(parsePrometheus(text).samples, 'nodejs_heap_size_used_bytes').reduce((sum, s) => sum + s.value, 0);
  return Math.round((bytes / 2 ** 20) * 10) / 10;
}

/** Requests in progress on every route but /metrics (the scrape that reads it is one). */
function inProgress(text: string): number {
  return find(parsePrometheus(text).samples, 'bento_service_request_in_progress')
    .filter((s) => s.labels.endpoint !== '/metrics')
    .reduce((sum, s) => sum + s.value, 0);
}

describe('10,000 malformed requests and vanishing streaming clients', () => {
  const served = serveAppForSuite();

  it('answers each with a 4xx, keeps both services up with bounded memory, and leaves nothing in flight', async () => {
    const app = served();
    const png = await discPng(64, 64);
    const supervisor = app.cli.child.pid!;
    const pids = { ControlNet: servicePid(supervisor, 'ControlNet')!, SDXLControlNetService: servicePid(supervisor, 'SDXLControlNetService')! };
    const token = environOf(pids.SDXLControlNetService, 'BENTO_INTERNAL_TOKEN')!;
    expect(token).toBeTruthy();

    const memory = async () => ({
      rss_mib: { ControlNet: rssMiB(pids.ControlNet), SDXLControlNetService: rssMiB(pids.SDXLControlNetService) },
      heap_used_mib: {
        ControlNet: heapUsedMiB(await (await fetch(`${app.url}/metrics`)).text()),
        SDXLControlNetService: heapUsedMiB(await metricsOverSocket(app.sdxlSocket!)),
      },
    });
    const send = async (malformed: Malformed): Promise<Reply> => {
      if (malformed.target === 'internal') {
        return postOverSocket(app.sdxlSocket!, malformed.path, { ...malformed.headers, 'x-bento-internal-token': token }, malformed.body);
      }
      const response = await fetch(`${app.url}${malformed.path}`, { method: 'POST', headers: malformed.headers, body: malformed.body });
      return { status: response.status, contentType: String(response.headers.get('content-type')), body: await response.text() };
    };
    /** Sends requests `from`..`to` (exclusive), CONCURRENCY at a time; what was not a 4xx in the error shape. */
    const run = async (from: number, to: number, byKind: Map<string, Map<number, number>>): Promise<string[]> => {
      const wrong: string[] = [];
      let next = from;
      const worker = async () => {
        while (next < to) {
          const index = next++;
          const malformed = malformedRequest(index, png);
          const reply = await send(malformed);
          const counts = byKind.get(malformed.kind) ?? new Map<number, number>();
          counts.set(reply.status, (counts.get(reply.status) ?? 0) + 1);
          byKind.set(malformed.kind, counts);
          const shaped = reply.contentType.startsWith('application/json') && typeof JSON.parse(reply.body)?.error?.code === 'string';
          if (reply.status < 400 || reply.status >= 500 || !shaped) wrong.push(`#${index} ${malformed.kind} → ${reply.status} ${reply.body.slice(0, 200)}`);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      return wrong;
    };

    // Warm up (code paths compiled, pools filled), then measure around the 10,000.
    expect(await run(MALFORMED, MALFORMED + WARM_UP, new Map())).toEqual([]);
    const before = await memory();
    const byKind = new Map<string, Map<number, number>>();
    expect(await run(0, MALFORMED, byKind)).toEqual([]);
    const after = await memory();
    // The same 10,000 again: memory that is bounded levels off instead of growing by as much again.
    expect(await run(0, MALFORMED, new Map())).toEqual([]);
    const afterTwice = await memory();

    // Streaming clients that leave after the first event: each stream is closed, SDXL's work stops.
    for (let i = 0; i < VANISHING_STREAMS; i++) {
      const form = new FormData();
      form.append('image', new Blob([png]), 'photo.png');
      form.append('params', JSON.stringify({ prompt: 'a red house', seed: i, num_inference_steps: 20 }));
      const controller = new AbortController();
      const response = await fetch(`${app.url}/generate_stream`, { method: 'POST', body: form, signal: controller.signal });
      expect(response.status).toBe(200);
      await response.body!.getReader().read();
      controller.abort();
    }

    // Nothing left in flight on either service (SDXL's over its socket: its calls stop at their next step).
    const deadline = Date.now() + 60_000;
    let left = { ControlNet: -1, SDXLControlNetService: -1 };
    do {
      await new Promise((resolve) => setTimeout(resolve, 100));
      left = {
        ControlNet: inProgress(await (await fetch(`${app.url}/metrics`)).text()),
        SDXLControlNetService: inProgress(await metricsOverSocket(app.sdxlSocket!)),
      };
    } while ((left.ControlNet > 0 || left.SDXLControlNetService > 0) && Date.now() < deadline);
    expect(left).toEqual({ ControlNet: 0, SDXLControlNetService: 0 });

    // Both processes are the ones from the start (nothing crashed and restarted), and a good request works.
    expect(servicePid(supervisor, 'ControlNet')).toBe(pids.ControlNet);
    expect(servicePid(supervisor, 'SDXLControlNetService')).toBe(pids.SDXLControlNetService);
    expect((await generate(app.url, png, { prompt: 'a red house', seed: 1, num_inference_steps: 1 })).status).toBe(200);

    const figures = report('reliability-malformed', {
      malformed: MALFORMED,
      by_kind: Object.fromEntries([...byKind].map(([kind, counts]) => [kind, Object.fromEntries([...counts].sort())])),
      vanishing_streams: VANISHING_STREAMS,
      before,
      after_10000: after,
      after_20000: afterTwice,
    });
    for (const service of ['ControlNet', 'SDXLControlNetService'] as const) {
      expect(figures.after_10000.rss_mib[service] - figures.before.rss_mib[service]).toBeLessThan(RSS_GROWTH_LIMIT_MIB);
      expect(figures.after_20000.rss_mib[service] - figures.before.rss_mib[service]).toBeLessThan(RSS_GROWTH_LIMIT_MIB);
    }
  }, 400_000);
});
