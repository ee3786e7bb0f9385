import { existsSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';

/**
 * Removes a Unix socket file left by a process that died without closing it (SIGKILL, a crash),
 * so a restarted service can listen there again. A socket someone still answers on is kept: then
 * listening fails with EADDRINUSE, as it should.
 */
export async function removeStaleSocket(socketPath: string): Promise<void> {
  if (!existsSync(socketPath)) return;
  const answered = await new Promise<boolean>((resolve) => {
    const probe = connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (!answered) unlinkSync(socketPath);
}
