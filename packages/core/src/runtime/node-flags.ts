/** Env var that replaces the Node flags service processes are started with (space-separated). */
export const NODE_FLAGS_ENV = 'BENTO_NODE_FLAGS';

/**
 * The Node (V8) flags every service process of `bento serve` is started with.
 *
 * `--initial-old-space-size=256`: V8 counts ArrayBuffer memory allocated since the last full GC
 * against the old generation's allocation limit, and a service's heap is small (about 15 MB), so
 * its limit is too (about 32 MB). A service that receives and returns tensors of megabytes per
 * call (every socket chunk, body and result is an ArrayBuffer) then ran a blocking mark-compact of
 * 4–10 ms every two or three calls, in the caller and the callee alike. Starting the old
 * generation at 256 MB lets dead buffers wait for the next full GC far longer; it is a limit, not
 * memory taken up front. Measured on the depends-hop benchmark (docs/benchmarks.md): full GCs in
 * the callee down about 2.5×, a 3 MiB call through one hop 14.9 → 8.3 ms at p50.
 *
 * These flags cannot go through NODE_OPTIONS (V8 refuses it there), so the supervisor puts them
 * on each service's command line. Where the CLI serves in its own process (`--standalone`, what a
 * container runs; `--development`; a graph of one service), start Node with them yourself:
 * `node --initial-old-space-size=256 …/bento serve …`.
 */
export const DEFAULT_SERVICE_NODE_FLAGS: readonly string[] = ['--initial-old-space-size=256'];

/** The flags to start a service process with: `BENTO_NODE_FLAGS` when set (even empty), else the defaults. */
export function serviceNodeFlags(env: NodeJS.ProcessEnv = process.env): string[] {
  const given = env[NODE_FLAGS_ENV];
  if (given === undefined) return [...DEFAULT_SERVICE_NODE_FLAGS];
  return given.split(/\s+/).filter(Boolean);
}
