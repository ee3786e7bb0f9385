/** What the reliability tests read of the processes `bento serve` runs (Linux /proc). */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';

/** The pid of the child of `supervisorPid` that serves `service` (its command line names it), if one runs. */
export function servicePid(supervisorPid: number, service: string): number | undefined {
  let children: string[];
  try {
    children = readFileSync(`/proc/${supervisorPid}/task/${supervisorPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    return undefined;
  }
  for (const child of children) {
    try {
      const args = readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0');
      if (args.includes('--service') && args[args.indexOf('--service') + 1] === service) return Number(child);
    } catch {
      // exited meanwhile
    }
  }
  return undefined;
}

/** Resident memory of a process in MiB (VmRSS). */
export function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  if (!line) throw new Error(`no VmRSS for pid ${pid}`);
  return Math.round((Number(line.split(/\s+/)[1]) / 1024) * 10) / 10;
}

/** A variable of a process's environment: the internal token its supervisor gave it, for one. */
export function environOf(pid: number, name: string): string | undefined {
  const entry = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').find((e) => e.startsWith(`${name}=`));
  return entry?.slice(name.length + 1);
}

/** GET `path` of a service on a Unix socket: its status, or undefined when nothing answers. */
export function getOverSocket(socketPath: string, path: string, timeoutMs = 2000): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path, method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}
