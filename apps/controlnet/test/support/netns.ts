/**
 * Two "hosts" on one machine: two Linux network namespaces joined by a veth pair, each with its own
 * address on a /30 that exists only inside them (the machine's own interfaces and routes are not
 * touched). Names are unique per run, and `remove` deletes only what `createLink` made: deleting a
 * namespace also deletes the veth end inside it, and with it the pair.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface Host {
  /** The network namespace: processes started with `ip netns exec <ns>` run "on" this host. */
  ns: string;
  /** Its end of the veth pair. */
  dev: string;
  address: string;
}

export interface Link {
  a: Host;
  b: Host;
}

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Why namespaces cannot be made here, or undefined when they can: tried for real (a namespace
 * made and deleted), since a container may be root and have `ip` yet lack CAP_SYS_ADMIN.
 */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces are Linux only';
  if (process.getuid?.() !== 0) return 'making network namespaces needs root';
  const probe = `bento-probe-${process.pid}-${randomBytes(3).toString('hex')}`;
  try {
    ip('netns', 'add', probe);
  } catch (error) {
    const message = (error as { code?: string; stderr?: string }).code === 'ENOENT' ? 'no `ip` command (apt-get install iproute2)' : `ip netns add failed: ${String((error as { stderr?: string }).stderr ?? error).trim()}`;
    return message;
  }
  ip('netns', 'del', probe);
  return undefined;
}

/**
 * Makes two namespaces and a veth pair between them, addresses `10.231.<n>.1` and `.2` (/30), both
 * ends up, and each namespace's loopback up (a server there may bind 127.0.0.1 too). On failure,
 * removes whatever it had made before throwing.
 */
export function createLink(): Link {
  const tag = `${process.pid.toString(36)}${randomBytes(2).toString('hex')}`;
  // Interface names have at most 15 characters.
  const a: Host = { ns: `bento-${tag}-a`, dev: `bn${tag}a`.slice(0, 15), address: '' };
  const b: Host = { ns: `bento-${tag}-b`, dev: `bn${tag}b`.slice(0, 15), address: '' };
  const subnet = randomBytes(1)[0]!;
  a.address = `10.231.${subnet}.1`;
  b.address = `10.231.${subnet}.2`;
  const link = { a, b };
  try {
    ip('netns', 'add', a.ns);
    ip('netns', 'add', b.ns);
    // Made in a's namespace, the peer moved to b's: neither end ever exists in the machine's own.
    ip('-n', a.ns, 'link', 'add', a.dev, 'type', 'veth', 'peer', 'name', b.dev, 'netns', b.ns);
    for (const host of [a, b]) {
      ip('-n', host.ns, 'addr', 'add', `${host.address}/30`, 'dev', host.dev);
      ip('-n', host.ns, 'link', 'set', host.dev, 'up');
      ip('-n', host.ns, 'link', 'set', 'lo', 'up');
    }
  } catch (error) {
    removeLink(link);
    throw error;
  }
  return link;
}

/** Sets a host's end of the link down (the other host becomes silent: nothing comes back) or up. */
export function setLink(host: Host, state: 'up' | 'down'): void {
  ip('-n', host.ns, 'link', 'set', host.dev, state);
}

/** Deletes the two namespaces (and so the veth pair); ignores ones that are already gone. */
export function removeLink(link: Link | undefined): void {
  if (!link) return;
  for (const host of [link.a, link.b]) {
    try {
      ip('netns', 'del', host.ns);
    } catch {
      // Never made, or already deleted.
    }
  }
}

/** Whether a namespace of this name exists (for the test to check its own cleanup). */
export function netnsExists(ns: string): boolean {
  return ip('netns', 'list').split('\n').some((line) => line.split(' ')[0] === ns);
}
