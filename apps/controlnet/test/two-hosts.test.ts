/**
 * ControlNet and SDXLControlNetService on two "hosts": two network namespaces joined by a veth pair,
 * each running the one-service command a container (or a rendered Kubernetes manifest) runs, with
 * a service map pointing across. The test's own requests are made from inside ControlNet's
 * namespace, as a client on that host would (support/netns-client.ts), so nothing is added to the
 * machine's own network. Cutting the link makes SDXL's host silent, packets dropped with no
 * answer, as a machine that is switched off or cut off: ControlNet must answer a 503 naming
 * SDXLControlNetService in seconds (not after its 600 s timeout), say not ready, and recover once
 * the link is back. Skipped, saying why, where namespaces cannot be made (not root, no `ip`).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { BENTO_BIN, listeningUrl, runBento, signal, type Cli } from '../../../packages/tests/src/helpers/cli';
import { discPng } from './support/images';
import { fetchIn, type NsAnswer } from './support/netns-client';
import { createLink, netnsExists, netnsUnavailable, removeLink, setLink, type Host, type Link } from './support/netns';
import { removeDemoModel, tempDemoModel } from './support/serve-app';

/** The app's folder: `service:ControlNet` is read from there, as the image's WORKDIR. */
const APP_DIR = path.join(__dirname, '..');
const PORT = 3000;
const PARAMS = { prompt: 'a red house', seed: 7, num_inference_steps: 2 };
/** The client's bound on one request: far below the call's own timeout (600 s + 5 s). */
const CLIENT_TIMEOUT_MS = 60_000;

/** `bento serve service:ControlNet --standalone --service <name>` on `host`, port 3000 of its address. */
function serveOn(host: Host, name: string, env: NodeJS.ProcessEnv): Cli {
  const args = ['netns', 'exec', host.ns, process.execPath, BENTO_BIN, 'serve', 'service:ControlNet', '--standalone', '--service', name, '--port', String(PORT), '--host', host.address];
  // command: 'ip' gives the child a process group of its own, signalled as a whole.
  return runBento(args, { cwd: APP_DIR, command: 'ip', env });
}

/** SIGTERM to the server's group, then SIGKILL if it has not exited after its drain time. */
async function stop(cli: Cli | undefined): Promise<void> {
  if (!cli || cli.child.exitCode !== null || cli.child.signalCode !== null) return;
  signal(cli, 'SIGTERM');
  const bound = new Promise((resolve) => setTimeout(resolve, 40_000).unref());
  if ((await Promise.race([cli.exited.then(() => 'exited'), bound])) !== 'exited') {
    signal(cli, 'SIGKILL');
    await cli.exited;
  }
}

const unavailable = netnsUnavailable();
const describeHosts = unavailable ? describe.skip : describe;
// Jest prints no titles of a file whose tests are all skipped: say why where it shows.
if (unavailable) console.warn(`two-hosts test skipped: ${unavailable}`);

describeHosts(`ControlNet and SDXL on two hosts (network namespaces)${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let link: Link;
  let modelDir: string | undefined;
  let sdxl: Cli | undefined;
  let controlnet: Cli | undefined;
  let entryUrl: string;
  let photo: Buffer;

  const generate = (): Promise<NsAnswer> => fetchIn(link.a.ns, { url: `${entryUrl}/generate`, form: { image: photo, params: PARAMS }, timeoutMs: CLIENT_TIMEOUT_MS });
  const readyz = (): Promise<NsAnswer> => fetchIn(link.a.ns, { url: `${entryUrl}/readyz`, timeoutMs: 10_000 });

  beforeAll(async () => {
    link = createLink();
    modelDir = tempDemoModel();
    photo = await discPng(100, 70);
    // One secret for the graph, as a Kubernetes Secret mounted in both pods.
    const token = randomBytes(32).toString('hex');
    sdxl = serveOn(link.b, 'SDXLControlNetService', { SDXL_MODEL_DIR: modelDir, BENTO_INTERNAL_TOKEN: token });
    controlnet = serveOn(link.a, 'ControlNet', {
      BENTO_INTERNAL_TOKEN: token,
      BENTO_SERVICE_MAP: JSON.stringify({ SDXLControlNetService: `http://${link.b.address}:${PORT}` }),
    });
    await listeningUrl(sdxl, 60_000);
    entryUrl = (await listeningUrl(controlnet, 60_000)).replace(/\/$/, '');
    // Ready once SDXL's models are loaded (ControlNet's /readyz asks SDXL's across the link).
    const deadline = Date.now() + 90_000;
    let last: NsAnswer | undefined;
    while (Date.now() < deadline && (last = await readyz()).status !== 200) await new Promise((r) => setTimeout(r, 250));
    if (last?.status !== 200) throw new Error(`ControlNet not ready: ${last?.status} ${last?.body.toString()}\n${sdxl.stdout()}${sdxl.stderr()}`);
  }, 240_000);

  afterAll(async () => {
    // The servers first: a namespace lives on while a process is still in it.
    await Promise.all([stop(controlnet), stop(sdxl)]);
    removeLink(link);
    removeDemoModel(modelDir);
    const left = link ? [link.a.ns, link.b.ns].filter(netnsExists) : [];
    if (left.length) throw new Error(`namespaces left behind: ${left.join(', ')}`);
  }, 120_000);

  it('runs each server as the node process `ip netns exec` started, listening on its own host address', () => {
    for (const cli of [sdxl!, controlnet!]) {
      // ip netns exec execs the command: the pid we signal is the server's own.
      expect(readFileSync(`/proc/${cli.child.pid}/cmdline`, 'utf8').split('\0')[0]).toBe(process.execPath);
    }
    expect(entryUrl).toBe(`http://${link.a.address}:${PORT}`);
  });

  it('carries a request across: multipart photo in, a PNG of its size rounded to multiples of 8 out', async () => {
    const answer = await generate();
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('image/png');
    expect(await sharp(answer.body).metadata()).toMatchObject({ format: 'png', width: 96, height: 64 });
  }, 90_000);

  it('answers 503 naming SDXLControlNetService when its host goes silent, and says not ready', async () => {
    // SDXL's end down: ControlNet's kept-alive connection and new connects get no answer at all.
    setLink(link.b, 'down');
    const answer = await generate();
    // Within the client's bound (60 s), where the call's own timeout is 605 s: the connect probe
    // of a waiting call (BENTO_CONNECT_TIMEOUT, 5 s) finds the host unreachable.
    expect(answer.status).toBe(503);
    const body = JSON.parse(answer.body.toString()) as { error: { code: string; message: string; details?: { service?: string } } };
    expect(body.error).toMatchObject({ code: 'service_unavailable', details: { service: 'SDXLControlNetService' } });
    expect(body.error.message).toMatch(/^Service SDXLControlNetService is unavailable \(E[A-Z]+\)$/);
    expect(answer.body.toString()).not.toContain(link.b.address);
    const ready = await readyz();
    expect(ready.status).toBe(503);
    expect(ready.body.toString()).toContain('SDXLControlNetService');
  }, 90_000);

  it('recovers once the link is back: a request is answered 200 again', async () => {
    setLink(link.b, 'up');
    let answer: NsAnswer | undefined;
    // A few tries: the link and the neighbour entries take a moment to come back.
    for (let attempt = 0; attempt < 10 && answer?.status !== 200; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 1000));
      answer = await generate();
    }
    expect(answer?.status).toBe(200);
    expect(await sharp(answer!.body).metadata()).toMatchObject({ format: 'png', width: 96, height: 64 });
    expect((await readyz()).status).toBe(200);
  }, 240_000);
});
