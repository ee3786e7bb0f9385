import {
  BadRequestError,
  BentoError,
  ConfigError,
  InternalError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  RemoteError,
  ServiceUnavailableError,
  TimeoutError,
  TooManyRequestsError,
  UnsupportedMediaTypeError,
  ValidationError,
  toBentoError,
} from './errors';

describe('errors', () => {
  it.each([
    [new ValidationError('bad', [{ path: 'a' }]), 400, 'validation_error', ValidationError],
    [new BadRequestError('bad json'), 400, 'bad_request', BadRequestError],
    [new NotFoundError('nope'), 404, 'not_found', NotFoundError],
    [new MethodNotAllowedError('only POST', 'POST'), 405, 'method_not_allowed', MethodNotAllowedError],
    [new PayloadTooLargeError(10), 413, 'payload_too_large', PayloadTooLargeError],
    [new UnsupportedMediaTypeError('text/plain', ['application/json']), 415, 'unsupported_media_type', UnsupportedMediaTypeError],
    [new TooManyRequestsError('busy', 3), 429, 'too_many_requests', TooManyRequestsError],
    [new ServiceUnavailableError('down'), 503, 'service_unavailable', ServiceUnavailableError],
    [new TimeoutError('slow'), 504, 'timeout', TimeoutError],
    [new InternalError(), 500, 'internal_error', InternalError],
    [new ConfigError('typo'), 500, 'config_error', ConfigError],
  ])('%p has status %d and code %s', (error, status, code, cls) => {
    expect(error).toBeInstanceOf(BentoError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(cls);
    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
    expect(error.name).toBe(cls.name);
    expect(Object.keys(error.toBody())).toEqual(['error']);
    expect(error.toBody().error).toMatchObject({ code, message: error.message });
  });

  it('leaves details out of the body when there are none, and keeps them when given', () => {
    expect(new NotFoundError('x').toBody()).toEqual({ error: { code: 'not_found', message: 'x' } });
    expect(new PayloadTooLargeError(1024).toBody()).toEqual({
      error: { code: 'payload_too_large', message: 'Request body is larger than the limit of 1024 bytes', details: { limit_bytes: 1024 } },
    });
    expect(new TooManyRequestsError('busy', 2).retryAfterSeconds).toBe(2);
    expect(new MethodNotAllowedError('m', 'POST').toBody().error.details).toEqual({ allow: 'POST' });
    expect(new UnsupportedMediaTypeError(undefined, ['application/json']).message).toBe('Unsupported content type (none); expected one of application/json');
  });

  it('turns unknown throws into a 500 that hides the message but keeps the cause', () => {
    const cause = new Error('secret: password=hunter2');
    const error = toBentoError(cause);
    expect(error).toBeInstanceOf(InternalError);
    expect(error.message).toBe('Internal server error');
    expect(error.cause).toBe(cause);
    expect(JSON.stringify(error.toBody())).not.toContain('hunter2');
    expect(toBentoError('a string').status).toBe(500);
  });

  it('returns a BentoError as it is', () => {
    const error = new NotFoundError('x');
    expect(toBentoError(error)).toBe(error);
  });

  it('rebuilds a remote error with its status, code, url and request id', () => {
    const error = new RemoteError({ status: 429, code: 'too_many_requests', message: 'busy', url: 'http://x/y', requestId: 'abc', details: { a: 1 } });
    expect([error.status, error.code, error.message, error.url, error.requestId]).toEqual([429, 'too_many_requests', 'busy', 'http://x/y', 'abc']);
    expect(error.toBody()).toEqual({ error: { code: 'too_many_requests', message: 'busy', details: { a: 1 } } });
  });
});
