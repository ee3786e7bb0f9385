// The service's errors, as people should read them. Every Bento error has one JSON shape,
// { error: { code, message, details? } }: before the stream starts it is the response's body, after
// that the data of an `error` event.

/** An error the page shows: a sentence, the service's code, and one line per detail. */
export class ApiError extends Error {
  /**
   * @param {string} message
   * @param {{ code?: string, status?: number, details?: string[] }} [info]
   */
  constructor(message, { code, status, details = [] } = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/** Details as lines: validation errors are `[{ path, message }]`, anything else is shown as JSON. */
function detailLines(details) {
  if (details === undefined || details === null) return [];
  if (Array.isArray(details)) {
    return details.map((d) => (d && typeof d.message === 'string' ? (d.path ? `${d.path}: ${d.message}` : d.message) : JSON.stringify(d)));
  }
  return [JSON.stringify(details)];
}

/** The ApiError of a body in the error shape, or undefined when it is not one. */
export function fromErrorBody(body, status) {
  const error = body && typeof body === 'object' ? body.error : undefined;
  if (!error || typeof error.message !== 'string') return undefined;
  return new ApiError(error.message, { code: error.code, status, details: detailLines(error.details) });
}

/** The ApiError of a failed response: its JSON error when it has one, else its status line. */
export async function fromResponse(response) {
  const text = await response.text().catch(() => '');
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return (
    fromErrorBody(body, response.status) ??
    new ApiError(`The service answered ${response.status} ${response.statusText}`.trim() + '.', { status: response.status })
  );
}
