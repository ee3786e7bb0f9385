// A lean HTTP/1.1 load client: raw keep-alive sockets, one request in flight per connection,
// latency of every request timed with hrtime. Node's own http client costs more per request
// than the servers under test, which would hide their differences.
import net from 'node:net';

function parseResponses(state, onResponse) {
  for (;;) {
    const buffer = state.buffer;
    const headerEnd = buffer.indexOf('\r\n\r\n');
    if (headerEnd === -1) return;
    const head = buffer.subarray(0, headerEnd).toString('latin1');
    const match = /content-length:\s*(\d+)/i.exec(head);
    if (!match) throw new Error(`response without content-length: ${head}`);
    const total = headerEnd + 4 + Number(match[1]);
    if (buffer.length < total) return;
    const status = Number(head.slice(9, 12));
    state.buffer = buffer.subarray(total);
    onResponse(status);
  }
}

/** Runs `connections` loops of sequential requests for `seconds`; returns latencies in µs and status counts. */
export function runLoad({ url, path, body, connections, seconds }) {
  const { hostname, port } = new URL(url);
  const payload = Buffer.from(body);
  const request = Buffer.concat([
    Buffer.from(`POST ${path} HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-type: application/json\r\ncontent-length: ${payload.length}\r\nconnection: keep-alive\r\n\r\n`),
    payload,
  ]);
  const latencies = [];
  const statuses = new Map();
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  return new Promise((resolve, reject) => {
    let open = connections;
    for (let i = 0; i < connections; i++) {
      const socket = net.connect(Number(port), hostname);
      socket.setNoDelay(true);
      const state = { buffer: Buffer.alloc(0), sent: 0n };
      const send = () => {
        state.sent = process.hrtime.bigint();
        socket.write(request);
      };
      socket.on('connect', send);
      socket.on('data', (chunk) => {
        state.buffer = state.buffer.length ? Buffer.concat([state.buffer, chunk]) : chunk;
        parseResponses(state, (status) => {
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
