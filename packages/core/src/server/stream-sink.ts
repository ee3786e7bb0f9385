import type { ServerResponse } from 'node:http';
import type { BentoError } from '../errors';

/**
 * How a streaming API's values are written to one response: server-sent events for HTTP clients
 * (sse-sink.ts), frames-stream records between services (frames-codec.ts). The caller writes the
 * head once, before the first value, then values, then exactly one `end` or `error`.
 *
 * `value` returns false (or a promise of false) when the response's buffer is full: the caller
 * waits for 'drain' before asking the generator for more, so a slow reader slows the producer
 * instead of growing memory.
 */
export interface StreamSink {
  open(res: ServerResponse, requestId: string): void;
  value(res: ServerResponse, value: unknown, index: number): boolean | Promise<boolean>;
  end(res: ServerResponse, returned: unknown): void | Promise<void>;
  error(res: ServerResponse, error: BentoError, service?: string): void;
  /** Something harmless to write, so that idle proxies keep a slow stream open. */
  keepAlive(res: ServerResponse): void;
}
