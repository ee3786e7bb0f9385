import cluster from 'node:cluster';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { MethodNotAllowedError, NotFoundError, toBentoError, type BentoError } from '../errors';
import { getServiceDefinition, type ServiceClass, type ServiceDefinition } from '../sdk/definition';
import { applyServiceEnvs } from '../runtime/service-envs';
import { createApiHandler, type RequestHandler } from './api-handler';
import { ConcurrencyGate } from './concurrency-gate';
import { docsUiRouter } from './docs-ui';
import { runHook, type ServiceLifecycle } from './lifecycle';
import { createLogger, type Logger } from './logger';
import { ServiceMetrics } from './metrics';
import { buildOpenApiDocument } from './openapi';
import { sendError } from './respond';
import { observeRequest } from './observe-request';
import { removeStaleSocket } from './stale-socket';
import { httpGetStatus } from '../runtime/http-get';
import { framesCodec, INTERNAL_ROUTE_PREFIX, INTERNAL_TOKEN_ENV } from './frames-codec';
import { AccessLog } from './access-log';

/** Default largest request body: 64 MiB, enough for a few large images. */
export const DEFAULT_MAX_BODY_SIZE = 64 * 1024 * 1024;

/** Options of `createServiceServer` and `serve`. */
export interface ServerOptions {
  /** Largest request body in bytes; larger ones get 413. */
  maxBodySize?: number;
  logger?: Logger;
  /** Seconds to wait for in-flight requests on close before cutting connections. */
  drainSeconds?: number;
  /** Token other services of the graph must send on internal calls; default env BENTO_INTERNAL_TOKEN. */
  internalToken?: string;
  /**
   * Remote dependencies whose readiness this service's /readyz includes (name → address): a
   * service is ready only when the services it calls are.
   */
  dependencies?: Record<string, string>;
}

/**
 * One service's HTTP server: an express 5 app for health, metrics, docs and errors, with the API
 * routes dispatched before express so the hot path runs only the work a request needs.
 */
export class ServiceServer {
  readonly definition: ServiceDefinition;
  readonly app: Express;
  readonly http: Server;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
  readonly instance: ServiceLifecycle & Record<string, unknown>;
  private readonly gate: ConcurrencyGate;
  private readonly drainSeconds: number;
  private ready = false;
  private closing?: Promise<void>;

  constructor(serviceClass: ServiceClass, options: ServerOptions = {}) {
    this.definition = getServiceDefinition(serviceClass);
    applyServiceEnvs(this.definition);
    const { name, options: serviceOptions } = this.definition;
    this.logger = options.logger ?? createLogger(name);
    this.metrics = new ServiceMetrics(name);
    this.gate = new ConcurrencyGate(serviceOptions.traffic.max_concurrency);
    this.drainSeconds = options.drainSeconds ?? 30;
    this.instance = new serviceClass();

    const apiRoutes = new Map<string, RequestHandler>();
    const internal = framesCodec(options.internalToken ?? process.env[INTERNAL_TOKEN_ENV]);
    for (const api of this.definition.apis) {
      const handlerOptions = {
        api,
        instance: this.instance,
        serviceName: name,
        maxBodySize: options.maxBodySize ?? DEFAULT_MAX_BODY_SIZE,
        timeoutSeconds: serviceOptions.traffic.timeout,
        gate: this.gate,
        metrics: this.metrics,
        logger: this.logger,
      };
      apiRoutes.set(api.route, createApiHandler(handlerOptions));
      // The same API for other services of the graph: frames instead of JSON, token required.
      const internalRoute = INTERNAL_ROUTE_PREFIX + api.method;
      apiRoutes.set(internalRoute, createApiHandler(handlerOptions, internal, internalRoute));
    }
    this.app = this.buildApp(apiRoutes, options);
    const app = this.app;
    this.http = createServer((req: IncomingMessage, res: ServerResponse) => {
      if (req.method === 'POST') {
        const url = req.url ?? '/';
        const q = url.indexOf('?');
        const handler = apiRoutes.get(q === -1 ? url : url.slice(0, q));
        if (handler) return handler(req, res);
      }
      app(req, res);
    });
    // Longer than common load balancers' idle timeouts, so they close idle connections first.
    this.http.keepAliveTimeout = 65_000;
    this.http.headersTimeout = 66_000;
  }

  private buildApp(apiRoutes: Map<string, RequestHandler>, options: ServerOptions): Express {
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', false);
    const known = new Set(['/livez', '/readyz', '/healthz', '/metrics', '/docs.json', '/docs', ...apiRoutes.keys()]);
    app.use(observeRequest(this.metrics, new AccessLog(this.logger, this.definition.name), known, new Set(apiRoutes.keys())));
    const probe = (ok: () => boolean) => (_req: Request, res: Response) => {
      const isOk = ok();
      res.status(isOk ? 200 : 503).type('text/plain').send(isOk ? 'ok' : 'not ready');
    };
    app.get('/livez', probe(() => true));
    app.get('/healthz', probe(() => true));
    const dependencies = Object.entries(options.dependencies ?? {});
    app.get('/readyz', async (_req: Request, res: Response) => {
      const notReady = !this.ready || this.closing ? 'not ready' : await firstUnready(dependencies);
      res.status(notReady ? 503 : 200).type('text/plain').send(notReady ?? 'ok');
    });
    app.get('/metrics', async (_req, res) => {
      res.type(this.metrics.contentType).send(await this.metrics.render());
    });
    const openapi = JSON.stringify(buildOpenApiDocument(this.definition, packageVersion()));
    app.get('/docs.json', (_req, res) => {
      res.type('application/json').send(openapi);
    });
    app.use(docsUiRouter(this.definition.name));
    for (const [route, handler] of apiRoutes) {
      // POSTs normally never reach express (see the dispatcher above); this catches trailing-slash forms.
      app.all(route, (req, res) => {
        if (req.method === 'POST') return handler(req, res);
        sendError(res, new MethodNotAllowedError(`${route} only accepts POST, not ${req.method}`, 'POST'));
      });
    }
    app.use((req: Request, res: Response) => {
      sendError(res, new NotFoundError(`No route ${req.method} ${req.path}`, { method: req.method, path: req.path }));
    });
    app.use((thrown: unknown, _req: Request, res: Response, _next: NextFunction) => {
      const error: BentoError = toBentoError(thrown);
      if (error.status >= 500) this.logger.error({ request_id: res.getHeader('x-request-id'), err: thrown }, 'request failed');
      sendError(res, error);
    });
    return app;
  }

  /**
   * Starts listening on a TCP port, or on a Unix socket when `target` is `{ socket }`, then runs the
   * service's `onStartup`; `/readyz` turns 200 after that. Resolves with the URL clients can use.
   */
  async listen(target: { port: number; host?: string } | { socket: string } = { port: 3000 }): Promise<string> {
    // A cluster worker shares the socket its primary binds (and cleaned up before forking): a
    // sibling's socket, bound but not listening yet, would look stale and be unlinked.
    if ('socket' in target && !cluster.isWorker) await removeStaleSocket(target.socket);
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      const onListening = () => {
        this.http.off('error', reject);
        resolve();
      };
      if ('socket' in target) this.http.listen(target.socket, onListening);
      else this.http.listen(target.port, target.host ?? '0.0.0.0', onListening);
    });
    await runHook(this.instance, 'onStartup');
    this.ready = true;
    this.logger.info({ url: this.url, apis: this.definition.apis.map((a) => a.route) }, `${this.definition.name} listening`);
    this.logger.flush();
    return this.url;
  }

  /** Where the server listens, as a URL: `http://host:port` or `unix:///path.sock`. */
  get url(): string {
    const address = this.http.address();
    if (typeof address === 'string') return `unix://${address}`;
    const { address: ip, port } = address as AddressInfo;
    const host = ip === '0.0.0.0' || ip === '::' ? '127.0.0.1' : ip;
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  /** Stops taking requests, waits for in-flight ones (up to the drain time), then runs `onShutdown`. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
      this.http.closeIdleConnections();
      const deadline = Date.now() + this.drainSeconds * 1000;
      while (this.gate.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      this.http.closeAllConnections();
      await closed;
      await runHook(this.instance, 'onShutdown');
      this.logger.info(`${this.definition.name} stopped`);
      this.logger.flush();
    })();
    return this.closing;
  }
}

/** The first dependency whose /readyz does not answer 200, as a message; undefined when all are ready. */
async function firstUnready(dependencies: Array<[string, string]>): Promise<string | undefined> {
  const answers = await Promise.all(
    dependencies.map(([, address]) => httpGetStatus(address, '/readyz', 1000).catch(() => 0)),
  );
  const index = answers.findIndex((status) => status !== 200);
  return index === -1 ? undefined : `not ready: dependency ${dependencies[index]![0]} is not ready`;
}

function packageVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../../package.json') as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
