// Starts a server as a child process and resolves with its URL once it logs `listening`. Its
// stdout goes to a temporary file, not a pipe: reading a pipe of access logs would cost the load
// client's process CPU and skew the measurement.
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export async function startServer(command, args, { cwd, env, readyLine = 'listening' } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'bento-bench-'));
  const logFile = path.join(dir, 'stdout.log');
  const fd = openSync(logFile, 'w');
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', fd, 'inherit'] });
  closeSync(fd);
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      cleanup();
      throw new Error(`${command} ${args.join(' ')} exited with ${child.exitCode} before listening`);
    }
    for (const line of readFileSync(logFile, 'utf8').split('\n')) {
      if (!line.includes(readyLine)) continue;
      try {
        const entry = JSON.parse(line);
        if (entry.url) return { url: entry.url, child, stop: () => stop(child).finally(cleanup) };
      } catch {
        // a partial line: read again
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGTERM');
  cleanup();
  throw new Error(`${command} did not log "${readyLine}" within 30 s`);
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
