// Server-Sent Events over fetch: EventSource cannot send an Authorization header, so the console reads the stream
// body itself and parses it as the HTML standard says
// (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).

/** Reads events from a response body until it ends; calls onEvent({event, data, id}) for each. */
export async function readEvents(body, onEvent) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const lines = lineSplitter();
  let event = blank();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      for (const line of lines(decoder.decode(value, { stream: true }))) {
        if (line === '') {
          if (event.data.length > 0) onEvent({ event: event.event || 'message', data: event.data.join('\n'), id: event.id });
          event = blank();
        } else if (!line.startsWith(':')) {
          field(event, line);
        }
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

function blank() {
  return { event: '', data: [], id: null };
}

function field(event, line) {
  const colon = line.indexOf(':');
  const name = colon < 0 ? line : line.slice(0, colon);
  let value = colon < 0 ? '' : line.slice(colon + 1);
  if (value.startsWith(' ')) value = value.slice(1);
  if (name === 'event') event.event = value;
  else if (name === 'data') event.data.push(value);
  else if (name === 'id') event.id = value;
}

/** Splits text arriving in chunks into lines ending in CRLF, LF or CR (a CR at a chunk's end waits for the next). */
function lineSplitter() {
  let buffer = '';
  return (chunk) => {
    buffer += chunk;
    const out = [];
    for (;;) {
      const end = buffer.search(/\r\n|\r|\n/);
      if (end < 0 || (buffer[end] === '\r' && end === buffer.length - 1)) break;
      out.push(buffer.slice(0, end));
      buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1));
    }
    return out;
  };
}
