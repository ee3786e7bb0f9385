/**
 * A duration set in an environment variable, in seconds (decimals allowed), as milliseconds:
 * `defaultSeconds` when unset or blank; above 0 and at most an hour, else an error naming the
 * variable and what it holds, so that a typo stops a service at startup.
 */
export function secondsFromEnv(name: string, value: string | undefined, defaultSeconds: number): number {
  if (value === undefined || value.trim() === '') return defaultSeconds * 1000;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new Error(`${name} must be a number of seconds above 0 (at most 3600), not ${JSON.stringify(value)}`);
  }
  return Math.round(seconds * 1000);
}
