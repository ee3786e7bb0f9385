/** One server-sent event: its type (`message` when the server named none), data and id. */
export interface ServerSentEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * Parses a `text/event-stream` body as the WHATWG EventSource does: lines end with LF, CRLF or
 * CR; `field: value` lines build an event, a blank line dispatches it; `:` lines are comments
 * (keep-alives); an event with no data is not dispatched. Yields events as they complete.
 */
export async function* readServerSentEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<ServerSentEvent, void, undefined> {
  const decoder = new TextDecoder();
  let buffered = '';
  let event = '';
  let data: string[] = [];
  let id: string | undefined;
  for await (const chunk of body) {
    buffered += decoder.decode(chunk, { stream: true });
    let lineEnd: number;
    while ((lineEnd = buffered.search(/\r\n|\r|\n/)) !== -1) {
      // A CR at the very end may be the first half of a CRLF split across chunks: wait for more.
      if (buffered[lineEnd] === '\r' && lineEnd === buffered.length - 1) break;
      const line = buffered.slice(0, lineEnd);
      buffered = buffered.slice(lineEnd + (buffered.startsWith('\r\n', lineEnd) ? 2 : 1));
      if (line === '') {
        if (data.length > 0) yield { event: event || 'message', data: data.join('\n'), ...(id !== undefined ? { id } : {}) };
        event = '';
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id' && !value.includes('\0')) id = value;
    }
  }
}
