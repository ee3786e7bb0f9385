import { secondsFromEnv } from './env-seconds';

describe('secondsFromEnv', () => {
  it('reads seconds (decimals too) as milliseconds, and the default when unset or blank', () => {
    expect(secondsFromEnv('BENTO_X', '2.5', 30)).toBe(2500);
    expect(secondsFromEnv('BENTO_X', undefined, 30)).toBe(30_000);
    expect(secondsFromEnv('BENTO_X', '  ', 5)).toBe(5000);
  });

  it.each(['0', '-1', 'soon', '3601', 'Infinity'])('refuses %j naming the variable', (value) => {
    expect(() => secondsFromEnv('BENTO_X', value, 30)).toThrow(`BENTO_X must be a number of seconds above 0 (at most 3600), not ${JSON.stringify(value)}`);
  });
});
