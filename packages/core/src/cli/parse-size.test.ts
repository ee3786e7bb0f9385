import { parsePort, parseSize } from './parse-size';

describe('parseSize', () => {
  it.each([
    ['1048576', 1048576],
    ['100mb', 100 * 1024 ** 2],
    ['512k', 512 * 1024],
    ['512KB', 512 * 1024],
    ['1.5g', Math.floor(1.5 * 1024 ** 3)],
    [' 10 b ', 10],
  ])('reads %j as %d bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it.each(['', 'mb', '10tb', '-5mb', 'ten'])('refuses %j with the expected form in the message', (text) => {
    expect(() => parseSize(text)).toThrow(`Expected a size like 100mb, 512kb or 1048576 but received ${JSON.stringify(text)}`);
  });
});

describe('parsePort', () => {
  it('reads 0 to 65535', () => {
    expect(parsePort('0')).toBe(0);
    expect(parsePort('65535')).toBe(65535);
  });

  it.each(['-1', '65536', '80.5', 'http'])('refuses %j', (text) => {
    expect(() => parsePort(text)).toThrow(/Expected a port from 0 to 65535/);
  });
});
