import { lazyStream } from '../wire/lazy-stream';

/**
 * What a client method returns. The client learns which APIs stream only from the server, so a
 * call is both: awaited (`then`), it is a plain call; iterated (`for await`), a streaming one. The
 * method's type (see `CallResult`) says which one to use.
 *
 * Like a promise, the call starts at once (on the next microtask) even when nobody awaits it yet,
 * unless it was iterated first, which `for await` does synchronously. `call(true)` is that
 * automatic start: it sends nothing for an API the server documents as streaming, whose caller
 * will iterate it later. Every `then` shares the one request.
 */
export interface PendingCall extends PromiseLike<unknown>, AsyncIterable<unknown> {
  catch(onRejected: (reason: unknown) => unknown): Promise<unknown>;
  finally(onFinally: () => void): Promise<unknown>;
}

export function pendingCall(call: (automatic: boolean) => Promise<unknown>, stream: () => AsyncIterable<unknown>): PendingCall {
  let started: Promise<unknown> | undefined;
  let iterated = false;
  const promise = () => (started ??= call(false));
  queueMicrotask(() => {
    if (!iterated) started ??= call(true);
  });
  const iterable = lazyStream(stream);
  return {
    then: (onFulfilled, onRejected) => promise().then(onFulfilled, onRejected),
    catch: (onRejected) => promise().catch(onRejected),
    finally: (onFinally) => promise().finally(onFinally),
    [Symbol.asyncIterator]: () => {
      iterated = true;
      return iterable[Symbol.asyncIterator]();
    },
  };
}
