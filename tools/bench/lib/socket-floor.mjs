// The floor under any hop between two processes: a message written on a Unix socket to another
// Node process, which writes the same bytes back, timed round trip. No HTTP, no parsing, no
// allocation per message; what is left is the kernel copying the bytes and waking the other
// process (on a VM, a wake-up on another CPU is tens of microseconds). A hop crosses this twice
// more than a bare call does, so it adds at least one such round trip.
// Run as a child with `serve <socket> <bytes>` to be the echo side.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Reads messages of exactly `bytes` into one reused buffer and calls `onMessage` per message. */
function messageReader(bytes, onMessage) {
  const whole = Buffer.allocUnsafeSlow(bytes);
  let got = 0;
  return (chunk) => {
    chunk.copy(whole, got);
    got += chunk.length;
    if (got === bytes) {
      got = 0;
      onMessage(whole);
    }
  };
}

if (process.argv[2] === 'serve') {
  const [socketPath, bytes] = [process.argv[3], Number(process.argv[4])];
  net
    .createServer((socket) => socket.on('data', messageReader(bytes, (message) => socket.write(message))))
    .listen(socketPath, () => process.send('ready'));
  process.on('disconnect', () => process.exit(0));
}

/** p50 in µs of `seconds` of sequential round trips of `bytes` through another process. */
export async function socketRoundTrip(bytes, seconds) {
  const dir = mkdtempSync(path.join(tmpdir(), 'bento-floor-'));
  const socketPath = path.join(dir, 'echo.sock');
  const child = fork(fileURLToPath(import.meta.url), ['serve', socketPath, String(bytes)], { stdio: 'inherit' });
  try {
    await new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`socket echo exited with ${code}`)));
    });
    const socket = net.connect(socketPath);
    await new Promise((resolve) => socket.once('connect', resolve));
    const message = Buffer.alloc(bytes, 7);
    const times = [];
    const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
    await new Promise((resolve) => {
      let sent = 0n;
      const send = () => {
        sent = process.hrtime.bigint();
        socket.write(message);
      };
      socket.on('data', messageReader(bytes, () => {
        const now = process.hrtime.bigint();
        times.push(Number(now - sent) / 1000);
        if (now < deadline) send();
        else resolve();
      }));
      send();
    });
    socket.destroy();
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)];
  } finally {
    child.disconnect();
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
}
