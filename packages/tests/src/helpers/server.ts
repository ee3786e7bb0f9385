import { serve, type RunningService, type ServeOptions, type ServiceClass } from '@bento/core';
import { memoryLogger } from './logger';

/** Serves a service for real on an ephemeral port of 127.0.0.1, logging to memory. */
export async function serveForTest(cls: ServiceClass, options: ServeOptions = {}): Promise<RunningService & { logs: () => Array<Record<string, unknown>> }> {
  const { logger, lines } = memoryLogger();
  const running = await serve(cls, { port: 0, host: '127.0.0.1', logger, drainSeconds: 1, ...options });
  return Object.assign(running, { logs: lines });
}

/** POSTs JSON and returns the status, headers and parsed body. */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Checks the one error shape `{error:{code,message,details?}}` and nothing else. */
export function expectErrorShape(json: unknown, code: string): { code: string; message: string; details?: any } { // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(json).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
  const error = (json as { error: Record<string, unknown> }).error;
  expect(Object.keys(error).every((key) => ['code', 'message', 'details'].includes(key))).toBe(true);
  return error as { code: string; message: string; details?: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}
