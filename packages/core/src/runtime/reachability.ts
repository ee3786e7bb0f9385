import { secondsFromEnv } from '../config/env-seconds';
import { connect, type Socket } from 'node:net';

/**
 * How long an internal call over TCP may take to reach its service: to open a connection, and to
 * show, while it waits for an answer, that the service's host can still be reached. A host that is
 * gone without a word (its link cut, its machine off, a firewall dropping packets) answers nothing
 * at all, and the OS gives up on a connect only after about two minutes and on a kept-alive
 * connection after about fifteen; a call must not wait for that, nor for its full traffic timeout.
 */
export const CONNECT_TIMEOUT_ENV = 'BENTO_CONNECT_TIMEOUT';
/** Seconds: far above a connect within one data centre (milliseconds), far below the OS's own limits. */
export const DEFAULT_CONNECT_TIMEOUT_S = 5;

/** `BENTO_CONNECT_TIMEOUT` in milliseconds (seconds in the variable, decimals allowed); throws on a bad value. */
export function connectTimeoutMs(value: string | undefined = process.env[CONNECT_TIMEOUT_ENV]): number {
  return secondsFromEnv(CONNECT_TIMEOUT_ENV, value, DEFAULT_CONNECT_TIMEOUT_S);
}

/** The error of a connection not made in time: `ETIMEDOUT`, as the OS itself would say much later. */
export function connectTimedOut(timeoutMs: number): Error {
  return Object.assign(new Error(`no connection within ${timeoutMs} ms`), { code: 'ETIMEDOUT' });
}

/**
 * Destroys `socket` with `connectTimedOut` unless it connects within `timeoutMs`. Node's own
 * `timeout` option is an idle timer that only emits an event; this one ends the attempt.
 */
export function limitConnect(socket: Socket, timeoutMs: number): void {
  const timer = setTimeout(() => socket.destroy(connectTimedOut(timeoutMs)), timeoutMs);
  const clear = () => clearTimeout(timer);
  socket.once('connect', clear);
  socket.once('close', clear);
}

/**
 * Resolves once a new TCP connection to `host`:`port` is made (and closes it), rejects when none is
 * made within `timeoutMs` or the OS refuses one. A connect sends nothing the server must answer:
 * it proves the host and its listener are there without disturbing the calls in flight.
 */
export function probeConnect(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    limitConnect(socket, timeoutMs);
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}
