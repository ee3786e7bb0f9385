// A lean HTTP/1.1 load client: raw keep-alive sockets, one request in flight per connection,
// latency of every request timed with hrtime. Node's own http client costs more per request
// than the servers under test, which would hide their differences.
import net from 'node:net';

/**
 * Counts response bytes without copying bodies: headers are parsed once, then the body is only
 * counted against its Content-Length (a body of megabytes arrives in dozens of chunks).
 */
function onChunk(state, chunk, onResponse) {
  let data = chunk;
  while (data.length > 0) {
    if (state.remaining === undefined) {
      state.head = state.head.length ? Buffer.concat([state.head, data]) : data;
      const headerEnd = state.head.indexOf('\r\n\r\n');
      if (headerEnd === -1) return;
      const head = state.head.subarray(0, headerEnd).toString('latin1');
      const match = /content-length:\s*(\d+)/i.exec(head);
      if (!match) throw new Error(`response without content-length: ${head}`);
      state.status = Number(head.slice(9, 12));
      state.remaining = Number(match[1]);
      data = state.head.subarray(headerEnd + 4);
      state.head = Buffer.alloc(0);
    }
    const take = Math.min(state.remaining, data.length);
    state.remaining -= take;
    data = data.subarray(take);
    if (state.remaining === 0) {
      state.remaining = undefined;
      onResponse(state.status);
    }
  }
}

/** One POST request as raw bytes, built once and written as is for every call. */
export function buildRequest({ url, path, body, contentType = 'application/json', accept }) {
  const { hostname, port } = new URL(url);
  const payload = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const acceptLine = accept ? `accept: ${accept}\r\n` : '';
  return Buffer.concat([
    Buffer.from(`POST ${path} HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-type: ${contentType}\r\n${acceptLine}content-length: ${payload.length}\r\nconnection: keep-alive\r\n\r\n`),
    payload,
  ]);
}

/** Runs `connections` loops of sequential requests for `seconds`; returns latencies in µs and status counts. */
export function runLoad({ url, path, body, connections, seconds, contentType, accept }) {
  const { hostname, port } = new URL(url);
  const request = buildRequest({ url, path, body, contentType, accept });
  const latencies = [];
  const statuses = new Map();
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  return new Promise((resolve, reject) => {
    let open = connections;
    for (let i = 0; i < connections; i++) {
      const socket = net.connect(Number(port), hostname);
      socket.setNoDelay(true);
      const state = { head: Buffer.alloc(0), remaining: undefined, status: 0, sent: 0n };
      const send = () => {
        state.sent = process.hrtime.bigint();
        socket.write(request);
      };
      socket.on('connect', send);
      socket.on('data', (chunk) => {
        onChunk(state, chunk, (status) => {
          const now = process.hrtime.bigint();
          latencies.push(Number(now - state.sent) / 1000);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (now < deadline) send();
          else socket.end();
        });
      });
      socket.on('error', reject);
      socket.on('close', () => {
        if (--open === 0) resolve({ latencies, statuses, seconds });
      });
    }
  });
}

export function summarize({ latencies, statuses, seconds }) {
  const sorted = Float64Array.from(latencies).sort();
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return {
    requests: sorted.length,
    rps: sorted.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
    statuses: Object.fromEntries(statuses),
  };
}
