/**
 * HTTP requests made from inside a network namespace, as a client on that "host" would make them:
 * the test process stays in the machine's own namespace, where the namespaces' addresses do not
 * exist, so each request runs `ip netns exec <ns> node -e <script>` (curl may be absent; node is
 * there). The request goes in on stdin and the answer comes back on stdout, both as JSON.
 */
import { spawn } from 'node:child_process';

export interface NsRequest {
  url: string;
  /** A multipart POST (image file part + params text field), as `curl -F` sends it; a GET without. */
  form?: { image: Buffer; params: Record<string, unknown> };
  /** The client gives up after this long (AbortSignal.timeout); its answer is then status 0. */
  timeoutMs: number;
}

export interface NsAnswer {
  /** 0 when no HTTP answer came (the client's error is in `error`). */
  status: number;
  contentType?: string;
  body: Buffer;
  error?: string;
}

/** Runs in the namespace: reads the request, fetches, prints the answer. */
const SCRIPT = `
let input = '';
process.stdin.on('data', (c) => (input += c)).on('end', async () => {
  const req = JSON.parse(input);
  let init = { signal: AbortSignal.timeout(req.timeoutMs) };
  if (req.form) {
    const form = new FormData();
    form.append('image', new Blob([Buffer.from(req.form.image, 'base64')]), 'photo.png');
    form.append('params', JSON.stringify(req.form.params));
    init = { ...init, method: 'POST', body: form };
  }
  let answer;
  try {
    const res = await fetch(req.url, init);
    const body = Buffer.from(await res.arrayBuffer());
    answer = { status: res.status, contentType: res.headers.get('content-type'), body: body.toString('base64') };
  } catch (error) {
    answer = { status: 0, body: '', error: String(error.cause?.code ?? error.name ?? error) };
  }
  process.stdout.write(JSON.stringify(answer));
});
`;

/** Makes one request from inside `ns`. The child is ended by its own pid if it outlives the bound. */
export function fetchIn(ns: string, request: NsRequest): Promise<NsAnswer> {
  return new Promise((resolve, reject) => {
    // `ip netns exec` execs node: the child's pid is the client's own.
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    // A bound beyond the client's own timeout, for a client that hangs for another reason.
    const guard = setTimeout(() => child.kill('SIGKILL'), request.timeoutMs + 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(guard);
      if (code !== 0) return reject(new Error(`client in ${ns} exited ${code}: ${err}`));
      const answer = JSON.parse(out) as { status: number; contentType?: string; body: string; error?: string };
      resolve({ ...answer, contentType: answer.contentType ?? undefined, body: Buffer.from(answer.body, 'base64') });
    });
    const form = request.form && { image: request.form.image.toString('base64'), params: request.form.params };
    child.stdin.end(JSON.stringify({ url: request.url, form, timeoutMs: request.timeoutMs }));
  });
}
