import { callerTrace, childSpan, formatTraceparent, parseTraceparent, parseTracestate, traceHeaders } from './trace-context';

describe('W3C trace context', () => {
  it('reads a version-00 traceparent and refuses malformed or all-zero ones', () => {
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', flags: '01' });
    for (const bad of [undefined, '', '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', '00-4bf92f35-00f067aa0ba902b7-01']) {
      expect(parseTraceparent(bad)).toBeUndefined();
    }
  });

  it('makes a child span in the same trace, or starts a trace', () => {
    const parent = parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00')!;
    const child = childSpan(parent);
    expect(child.traceId).toBe(parent.traceId);
    expect(child.flags).toBe('00');
    expect(child.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(child.spanId).not.toBe(parent.spanId);
    const root = childSpan(undefined);
    expect(parseTraceparent(formatTraceparent(root))).toEqual(root);
  });
});

describe('W3C tracestate', () => {
  const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('keeps a valid tracestate, joining repeated headers and trimming blanks around members', () => {
    expect(parseTracestate('congo=t61rcWkgMzE')).toBe('congo=t61rcWkgMzE');
    expect(parseTracestate(' rojo=00f067aa0ba902b7 ,congo=t61rcWkgMzE,, ')).toBe('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE');
    expect(parseTracestate(['rojo=1', 'congo=2'])).toBe('rojo=1,congo=2');
    // Multi-tenant keys, the key characters "_-*/", a value with inner spaces and "+" or "/".
    expect(parseTracestate('t1@sys=v a/l+ue,a_b-c*d/e=x')).toBe('t1@sys=v a/l+ue,a_b-c*d/e=x');
    const many = Array.from({ length: 32 }, (_, i) => `k${i}=v`).join(',');
    expect(parseTracestate(many)).toBe(many);
  });

  it.each([
    ['an empty header', ''],
    ['a member without "="', 'congo'],
    ['an upper-case key', 'Congo=1'],
    ['a key starting with a digit (not a tenant key)', '1abc=1'],
    ['an empty value', 'congo='],
    ['a value with a control character', 'congo=a\tb'],
    ['a value with a character beyond ASCII', 'congo=caf\u00e9'],
    ['a value with "="', 'congo=a=b'],
    ['a repeated key', 'congo=1,rojo=2,congo=3'],
    ['33 members', Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(',')],
    ['a system id too long', 'tenant@abcdefghijklmno=1'],
    ['a value of 257 characters', `congo=${'x'.repeat(257)}`],
  ])('drops %s whole', (_what, header) => {
    expect(parseTracestate(header)).toBeUndefined();
  });

  it('carries a tracestate only with a valid traceparent, into child spans and the outgoing headers', () => {
    expect(callerTrace(TRACEPARENT, 'congo=1')).toMatchObject({ spanId: '00f067aa0ba902b7', state: 'congo=1' });
    expect(callerTrace(TRACEPARENT, 'Bad=1')).not.toHaveProperty('state');
    expect(callerTrace(TRACEPARENT, undefined)).not.toHaveProperty('state');
    expect(callerTrace('00-bad', 'congo=1')).toBeUndefined();
    const child = childSpan(callerTrace(TRACEPARENT, 'congo=1'));
    expect(traceHeaders(child)).toEqual({ traceparent: formatTraceparent(child), tracestate: 'congo=1' });
    expect(Object.keys(traceHeaders(childSpan(undefined)))).toEqual(['traceparent']);
  });
});
