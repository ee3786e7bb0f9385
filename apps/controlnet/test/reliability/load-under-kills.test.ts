/**
 * Issue 14, 6a: 60 s of load at 32 connections on the demo ControlNet pipeline (each service in its
 * own process, as `bento serve` runs it) while SDXLControlNetService's process is killed twice.
 * Every request must end with 200 or a clear 503/504 (JSON, naming the service) — none hangs — and
 * requests succeed again once the supervisor has restarted it. The figures (how long a restart
 * took, how soon the first success came after it) go to test-artifacts/reliability-load.json;
 * docs/reliability.md has a run of them. Timing is reported, never asserted.
 */
import { performance } from 'node:perf_hooks';
import { generate } from '../support/http';
import { discPng } from '../support/images';
import { serveAppForSuite } from '../support/serve-app';
import { getOverSocket, servicePid } from './processes';
import { percentile, report } from './report';

const DURATION_MS = 60_000;
const CONNECTIONS = 32;
/** When SDXLControlNetService is killed, from the start of the load. */
const KILLS_AT_MS = [15_000, 35_000];
/** Far beyond any answer here: a request still open after it counts as hung. */
const HANG_MS = 60_000;

interface Outcome {
  startedMs: number;
  endedMs: number;
  status: number;
  code?: string;
  message?: string;
  failure?: string;
}

interface Kill {
  pid: number;
  killedMs: number;
  /** When the restarted process answered /readyz 200. */
  readyMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('load on ControlNet while SDXLControlNetService is killed twice', () => {
  const served = serveAppForSuite();

  it('answers every request with 200 or a clear 503/504, and succeeds again after each restart', async () => {
    const app = served();
    const image = await discPng(64, 64);
    const supervisor = app.cli.child.pid!;
    const socket = app.sdxlSocket!;
    const start = performance.now();
    const now = () => performance.now() - start;
    const outcomes: Outcome[] = [];

    async function connection(index: number): Promise<void> {
      for (let n = 0; now() < DURATION_MS; n++) {
        const startedMs = now();
        try {
          const answer = await generate(app.url, image, { prompt: 'a red house', seed: index * 1000 + n, num_inference_steps: 1 }, 'photo.png', AbortSignal.timeout(HANG_MS));
          outcomes.push({ startedMs, endedMs: now(), status: answer.status, code: answer.json?.error.code, message: answer.json?.error.message });
        } catch (error) {
          outcomes.push({ startedMs, endedMs: now(), status: 0, failure: String(error) });
        }
      }
    }

    async function killer(): Promise<Kill[]> {
      const kills: Kill[] = [];
      for (const at of KILLS_AT_MS) {
        await sleep(Math.max(0, at - now()));
        const pid = servicePid(supervisor, 'SDXLControlNetService');
        if (pid === undefined) throw new Error('SDXLControlNetService is not running');
        process.kill(pid, 'SIGKILL');
        const killedMs = now();
        // The supervisor restarts it (with backoff); ready once its /readyz says so.
        let ready = false;
        while (!ready) {
          await sleep(50);
          const restarted = servicePid(supervisor, 'SDXLControlNetService');
          ready = restarted !== undefined && restarted !== pid && (await getOverSocket(socket, '/readyz')) === 200;
        }
        kills.push({ pid, killedMs, readyMs: now() });
      }
      return kills;
    }

    const [kills] = await Promise.all([killer(), ...Array.from({ length: CONNECTIONS }, (_, i) => connection(i))]);

    // Nothing hung or broke: every request ended with an answer.
    const failures = outcomes.filter((o) => o.status === 0);
    expect(failures).toEqual([]);
    const statuses = new Set(outcomes.map((o) => o.status));
    expect([...statuses].filter((s) => ![200, 503, 504].includes(s))).toEqual([]);
    // A clear error: the one JSON shape, naming the service that was down.
    for (const refused of outcomes.filter((o) => o.status !== 200)) {
      expect(refused.code).toMatch(/^(service_unavailable|timeout|not_ready)$/);
      expect(refused.message).toContain('SDXLControlNetService');
    }
    expect(kills).toHaveLength(2);

    // Successes before the first kill, and after each restart (the first request that began after
    // the kill and succeeded).
    expect(outcomes.some((o) => o.status === 200 && o.endedMs < kills[0]!.killedMs)).toBe(true);
    const recoveries = kills.map((kill) => {
      const first = outcomes.filter((o) => o.status === 200 && o.startedMs > kill.killedMs).sort((a, b) => a.endedMs - b.endedMs)[0];
      expect(first).toBeDefined();
      return {
        killed_at_s: round(kill.killedMs / 1000),
        restarted_ready_after_kill_ms: Math.round(kill.readyMs - kill.killedMs),
        first_success_after_ready_ms: Math.round(first!.endedMs - kill.readyMs),
        refused_during_outage: outcomes.filter((o) => o.status !== 200 && o.endedMs >= kill.killedMs && o.startedMs <= kill.readyMs).length,
      };
    });
    // The entry service itself never went down.
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);

    const ok = outcomes.filter((o) => o.status === 200);
    report('reliability-load', {
      duration_s: DURATION_MS / 1000,
      connections: CONNECTIONS,
      requests: outcomes.length,
      by_status: Object.fromEntries([...statuses].sort().map((s) => [s, outcomes.filter((o) => o.status === s).length])),
      latency_ms_200: { p50: percentile(ok.map((o) => o.endedMs - o.startedMs), 50), p99: percentile(ok.map((o) => o.endedMs - o.startedMs), 99) },
      latency_ms_refused_max: Math.round(Math.max(0, ...outcomes.filter((o) => o.status !== 200).map((o) => o.endedMs - o.startedMs))),
      kills: recoveries,
    });
  }, 240_000);
});

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
