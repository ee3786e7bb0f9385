/**
 * Issue 14, 6b: SIGTERM to `bento serve` (the CLI, as Ctrl-C or a container stop sends it) with 50
 * requests in flight: the entry stops taking new connections, drains, and all 50 complete with
 * their images before SDXLControlNetService is stopped; the CLI then exits 0.
 */
import { find, parsePrometheus } from '../../../../packages/tests/src/helpers/prometheus';
import { generate, type Answer } from '../support/http';
import { discPng } from '../support/images';
import { serveAppForSuite } from '../support/serve-app';
import { report } from './report';

const IN_FLIGHT = 50;

/** ControlNet's /generate requests in progress, from its /metrics. */
async function generatesInProgress(url: string): Promise<number> {
  const { samples } = parsePrometheus(await (await fetch(`${url}/metrics`)).text());
  return find(samples, 'bento_service_request_in_progress', { endpoint: '/generate' }).reduce((sum, s) => sum + s.value, 0);
}

describe('SIGTERM to bento serve with 50 requests in flight', () => {
  const served = serveAppForSuite();

  it('completes all 50 before the graph stops, then exits 0', async () => {
    const app = served();
    const image = await discPng(64, 64);
    const answers: Promise<Answer>[] = [];
    for (let i = 0; i < IN_FLIGHT; i++) {
      answers.push(generate(app.url, image, { prompt: 'a red house', seed: i, num_inference_steps: 4 }, 'photo.png', AbortSignal.timeout(180_000)));
    }
    // All 50 in ControlNet's hands before the signal (none waiting to connect).
    let inProgress = 0;
    const deadline = Date.now() + 60_000;
    while ((inProgress = await generatesInProgress(app.url)) < IN_FLIGHT && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(inProgress).toBe(IN_FLIGHT);
    app.cli.child.kill('SIGTERM');

    const settled = await Promise.all(answers);
    const exitCode = await app.cli.exited;
    expect(settled.map((a) => a.status)).toEqual(new Array(IN_FLIGHT).fill(200));
    for (const answer of settled) expect(answer.headers.get('content-type')).toBe('image/png');
    expect(exitCode).toBe(0);
    // Drained within the drain time (no connection cut), the entry stopped before its dependency.
    const stdout = app.cli.stdout();
    expect(stdout).not.toContain('cutting the connections of unfinished requests');
    const entryStopped = stdout.indexOf('"ControlNet stopped"');
    expect(entryStopped).toBeGreaterThan(-1);
    expect(stdout.indexOf('"SDXLControlNetService stopped"')).toBeGreaterThan(entryStopped);
    report('reliability-sigterm', { in_flight_at_sigterm: inProgress, completed_200: settled.filter((a) => a.status === 200).length, exit_code: exitCode });
  }, 240_000);
});
