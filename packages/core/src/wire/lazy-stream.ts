/**
 * An `AsyncIterable` that starts its work only when iterated: what a call of a streaming API gives
 * back, through `depends()` or a client. Calling the method makes no request; `for await` does,
 * once per iteration. Leaving the loop early (`break`, `return`, a throw) calls the stream's
 * `return()`, which is where a call closes its connection and so cancels the callee.
 */
export function lazyStream<T>(start: () => AsyncIterable<T>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      let inner: AsyncIterator<T> | undefined;
      const started = (): AsyncIterator<T> => (inner ??= start()[Symbol.asyncIterator]());
      return {
        next: () => {
          try {
            return started().next();
          } catch (error) {
            return Promise.reject(error);
          }
        },
        return: (value?: unknown) => (inner?.return ? inner.return(value) : Promise.resolve({ done: true, value: value as T })),
      };
    },
  };
}
