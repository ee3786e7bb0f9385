const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, k: 1024, mb: 1024 ** 2, m: 1024 ** 2, gb: 1024 ** 3, g: 1024 ** 3 };

/** Parses a byte size like `100mb`, `512k` or `1048576`. */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) throw new Error(`Expected a size like 100mb, 512kb or 1048576 but received ${JSON.stringify(text)}`);
  return Math.floor(Number(match[1]) * unit);
}

/** Parses a TCP port (0 picks a free one). */
export function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Expected a port from 0 to 65535 but received ${JSON.stringify(text)}`);
  return port;
}

/** Parses a duration in seconds, like `600` or `1.5` (more than 0). */
export function parseSeconds(text: string): number {
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) throw new Error(`Expected a number of seconds greater than 0 but received ${JSON.stringify(text)}`);
  return seconds;
}
