import { ServiceUnavailableError } from '../errors';
import { remoteErrorFrom } from './remote-error';
import { readServerSentEvents } from './server-sent-events';

/**
 * The values of a streaming API's answer (see the server's sse-sink.ts): each `message` event's
 * JSON data, in order; `result` ends the stream with the generator's return value; `error` throws
 * the server's error as a `RemoteError` with its status and code. A body that ends without either
 * was cut off, which is an error too: a caller must not take half a stream for all of it.
 */
export async function* eventStreamValues(body: AsyncIterable<Uint8Array>, url: string, requestId: string | undefined): AsyncGenerator<unknown, unknown, undefined> {
  for await (const { event, data } of readServerSentEvents(body)) {
    if (event === 'message') yield JSON.parse(data);
    else if (event === 'result') return JSON.parse(data);
    else if (event === 'error') {
      const status = (JSON.parse(data) as { status?: unknown }).status;
      throw remoteErrorFrom({
        status: typeof status === 'number' ? status : 500,
        text: data,
        url,
        requestId,
        fallbackMessage: `The stream from ${url} failed`,
      });
    }
  }
  throw new ServiceUnavailableError(`The stream from ${url} ended before its result event (the connection was cut)`, { url });
}
