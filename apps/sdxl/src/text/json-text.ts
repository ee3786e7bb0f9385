/** Reading JSON settings files with errors that name the file and what was expected. */

/** A JSON object read from a file, kept with the file's name for error messages. */
export interface JsonFile {
  /** The file as the caller named it, e.g. `tokenizer_2/special_tokens_map.json`. */
  file: string;
  json: Record<string, unknown>;
}

/** Parses JSON text, naming the file when it is not JSON. */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new Error(`${file}: expected JSON but it does not parse (${(cause as Error).message})`);
  }
}

/** Parses JSON text that must hold an object. */
export function parseJsonObject(text: string, file: string): JsonFile {
  const json = parseJson(text, file);
  if (!isObject(json)) {
    throw new Error(`${file}: expected a JSON object but found ${describe(json)}`);
  }
  return { file, json };
}

/** Whether a JSON value is an object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short description of a JSON value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
