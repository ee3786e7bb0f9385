import { toJsonBody } from './json-body';
import type { StreamSink } from './stream-sink';

export const SSE_CONTENT_TYPE = 'text/event-stream';

/**
 * Server-sent events (the WHATWG `text/event-stream` format): each yielded value is one event,
 * `id: <n>` and `data: <JSON>` (JSON.stringify never writes a raw newline, so one data line holds
 * it; Images are PNG data URLs, as in JSON answers); the generator's return value is the final
 * `event: result`; a failure is `event: error` with the usual error body plus its HTTP `status`.
 */
export const SSE_SINK: StreamSink = {
  open(res, requestId) {
    res.writeHead(200, {
      'content-type': `${SSE_CONTENT_TYPE}; charset=utf-8`,
      // no-transform: compressing proxies must not buffer the events.
      'cache-control': 'no-cache, no-transform',
      // nginx buffers responses unless told not to.
      'x-accel-buffering': 'no',
      'x-request-id': requestId,
    });
    res.flushHeaders();
  },
  value(res, value, index) {
    const json = toJsonBody(value);
    if (typeof json === 'string') return res.write(`id: ${index}\ndata: ${json}\n\n`);
    return json.then((text) => res.write(`id: ${index}\ndata: ${text}\n\n`));
  },
  end(res, returned) {
    const json = toJsonBody(returned);
    if (typeof json === 'string') return void res.end(`event: result\ndata: ${json}\n\n`);
    return json.then((text) => void res.end(`event: result\ndata: ${text}\n\n`));
  },
  error(res, error) {
    res.end(`event: error\ndata: ${JSON.stringify({ ...error.toBody(), status: error.status })}\n\n`);
  },
  keepAlive(res) {
    res.write(': keep-alive\n\n');
  },
};
