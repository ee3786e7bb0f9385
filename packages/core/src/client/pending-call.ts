import { lazyStream } from '../wire/lazy-stream';

/**
 * What a client method returns. The client learns which APIs stream only from the server, after
 * the call was made, so a call is both: awaited (`then`), it makes a plain call; iterated
 * (`for await`), it makes a streaming one. Nothing is sent until one of the two happens, and each
 * `then` chain shares one request. The method's type (see `CallResult`) says which one to use.
 */
export interface PendingCall extends PromiseLike<unknown>, AsyncIterable<unknown> {
  catch(onRejected: (reason: unknown) => unknown): Promise<unknown>;
  finally(onFinally: () => void): Promise<unknown>;
}

export function pendingCall(call: () => Promise<unknown>, stream: () => AsyncIterable<unknown>): PendingCall {
  let started: Promise<unknown> | undefined;
  const promise = () => (started ??= call());
  const iterable = lazyStream(stream);
  return {
    then: (onFulfilled, onRejected) => promise().then(onFulfilled, onRejected),
    catch: (onRejected) => promise().catch(onRejected),
    finally: (onFinally) => promise().finally(onFinally),
    [Symbol.asyncIterator]: () => iterable[Symbol.asyncIterator](),
  };
}
