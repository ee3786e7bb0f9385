// Server-sent events read from a fetch response. EventSource would parse them for us, but it can
// only GET, and the stream answers a POST that carries the image.

/**
 * A parser of the text/event-stream format (the HTML standard's rules): fields `data` (lines
 * joined with "\n"), `event` (the type, "message" when absent) and `id`; lines starting with ":"
 * are comments (keep-alives); a blank line ends an event. Text may arrive cut anywhere, even
 * between the "\r" and "\n" of one line end.
 * @param {(event: { type: string, data: string, id: string }) => void} onEvent
 */
export function createEventParser(onEvent) {
  let pending = '';
  let data = [];
  let type = '';
  let id = '';

  function line(text) {
    if (text === '') {
      // An event without data lines is dropped, as EventSource does.
      if (data.length > 0) onEvent({ type: type || 'message', data: data.join('\n'), id });
      data = [];
      type = '';
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') type = value;
    else if (field === 'id' && !value.includes('\0')) id = value;
  }

  return {
    /** Feeds decoded text; calls onEvent for every event it completes. */
    push(text) {
      pending += text;
      const ends = /\r\n|\r|\n/g;
      let start = 0;
      for (let match = ends.exec(pending); match; match = ends.exec(pending)) {
        // A "\r" at the very end may be the first half of "\r\n": wait for more text.
        if (match[0] === '\r' && ends.lastIndex === pending.length) break;
        line(pending.slice(start, match.index));
        start = ends.lastIndex;
      }
      pending = pending.slice(start);
    },
  };
}

/**
 * The events of a response body, in order, as they arrive. Aborting the fetch's signal makes the
 * next read throw its AbortError; leaving the loop early cancels the body.
 * @param {ReadableStream<Uint8Array>} body
 */
export async function* readEvents(body) {
  const events = [];
  const parser = createEventParser((event) => events.push(event));
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      parser.push(value);
      yield* events.splice(0);
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}
