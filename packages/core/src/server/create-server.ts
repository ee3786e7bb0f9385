import cluster from 'node:cluster';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { ConfigError, MethodNotAllowedError, NotFoundError, StartupError, toBentoError, type BentoError } from '../errors';
import { BUILT_IN_ROUTES, type BuiltInRoute } from '../sdk/built-in-routes';
import { getServiceDefinition, type ServiceClass, type ServiceDefinition } from '../sdk/definition';
import { applyServiceEnvs } from './service-envs';
import { createApiHandler, type RequestHandler } from './api-handler';
import { bodyLimits } from './body-limits';
import { sendTimeoutMs } from './send-timeout';
import type { Admission } from './admission';
import { exportAdmissionMetrics } from './admission-metrics';
import { createAdmission } from './create-admission';
import { docsUiRouter } from './docs-ui';
import type { ServiceLifecycle } from '../sdk/lifecycle';
import { instanceLifecycle, type LifecycleRunner } from './lifecycle';
import { createLogger, flushLog, flushLogSync, type Logger } from './logger';
import { ServiceMetrics } from './metrics';
import { buildOpenApiDocument } from './openapi';
import { sendError } from './respond';
import { observeRequest } from './observe-request';
import { removeStaleSocket } from './stale-socket';
import { framesCodec } from './frames-codec';
import { INTERNAL_ROUTE_PREFIX, INTERNAL_TOKEN_ENV } from '../wire/internal-route';
import { internalDispatcher } from './internal-routes';
import { AccessLog } from './access-log';
import { ServiceState } from './service-state';
import { requestIdOf } from './request-id';
import { StaticUi } from './static-ui';
import { ApiKeys, apiKeysFromEnv } from './api-keys';
import { requireApiKey } from './require-api-key';
import { CorsPolicy } from './cors';
import { withApiKeySecurity } from './openapi-security';

export { DEFAULT_MAX_BODY_SIZE, DEFAULT_MAX_JSON_BODY_SIZE } from './body-limits';

/** Options of `createServiceServer` and `serve`. */
export interface ServerOptions {
  /** Largest request body in bytes (multipart uploads, internal calls); larger ones get 413. Default 64 MiB. */
  maxBodySize?: number;
  /** Largest JSON request body in bytes; larger ones get 413. Default 8 MiB (never more than maxBodySize). */
  maxJsonBodySize?: number;
  logger?: Logger;
  /** Seconds to wait for in-flight requests on close before cutting connections. */
  drainSeconds?: number;
  /**
   * Keys a caller must present (`Authorization: Bearer <key>` or `X-API-Key`) on the public API
   * routes. Default: env BENTO_API_KEYS and the file BENTO_API_KEYS_FILE; neither set: no key needed.
   */
  apiKeys?: readonly string[];
  /** Token other services of the graph must send on internal calls; default env BENTO_INTERNAL_TOKEN. */
  internalToken?: string;
  /**
   * Whether this listener serves the internal route other services of the graph call
   * (`/_bento/call/<method>`). Default: when there is an internal token. `bento serve` turns it
   * off for the graph's entry service, whose port is the public one.
   */
  internalCalls?: boolean;
  /**
   * What this service's /readyz adds to its own readiness: resolves with why a service it calls is
   * not ready (named), or undefined when all are. `serve()` probes its remote dependencies here,
   * over the connections it calls them on.
   */
  checkDependencies?: () => Promise<string | undefined>;
  /**
   * What runs after the server listens and before it reports ready, and after it drained. Default:
   * the instance's own `onStartup`/`onShutdown`; `serve()` also starts in-process dependencies.
   */
  lifecycle?: (instance: ServiceLifecycle & Record<string, unknown>) => LifecycleRunner;
}

/**
 * One service's HTTP server: an express 5 app for health, metrics, docs and errors, with the API
 * routes dispatched before express so the hot path runs only the work a request needs.
 *
 * Its life: `listen()` binds, then runs the service's startup while API routes answer 503 with
 * `Retry-After` (probes answer: /livez 200, /readyz 503); ready once startup succeeded. A failed
 * startup closes the server and rejects. `close()` refuses new calls, waits until every response
 * in flight has been written out, then runs shutdown.
 */
export class ServiceServer {
  readonly definition: ServiceDefinition;
  /** Health, metrics, docs and errors; express stays an implementation detail, out of the public types. */
  private readonly app: Express;
  readonly http: Server;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
  readonly instance: ServiceLifecycle & Record<string, unknown>;
  private readonly gate: Admission;
  private readonly state = new ServiceState();
  private readonly lifecycle: LifecycleRunner;
  private readonly drainSeconds: number;
  private closing?: Promise<void>;

  constructor(serviceClass: ServiceClass, options: ServerOptions = {}) {
    this.definition = getServiceDefinition(serviceClass);
    applyServiceEnvs(this.definition);
    const { name, options: serviceOptions } = this.definition;
    this.logger = options.logger ?? createLogger(name);
    this.metrics = new ServiceMetrics(name);
    this.gate = createAdmission(name, serviceOptions.traffic);
    exportAdmissionMetrics(this.metrics.registry, name, this.gate);
    this.drainSeconds = options.drainSeconds ?? 30;
    // Before the instance is made: a missing key file stops the service before anything else.
    const apiKeys = options.apiKeys ? new ApiKeys(options.apiKeys) : apiKeysFromEnv();
    if (apiKeys) this.logger.info({ api_keys: apiKeys.size }, `${name}: its API routes need an API key`);
    const cors = serviceOptions.cors && new CorsPolicy(serviceOptions.cors);
    this.instance = new serviceClass();
    this.lifecycle = (options.lifecycle ?? instanceLifecycle)(this.instance);

    const apiRoutes = new Map<string, RequestHandler>();
    const internalRoutes = new Map<string, RequestHandler>();
    const codec = framesCodec();
    for (const api of this.definition.apis) {
      const handlerOptions = {
        api,
        instance: this.instance,
        serviceName: name,
        limits: bodyLimits(options),
        timeoutSeconds: serviceOptions.traffic.timeout,
        gate: this.gate,
        state: this.state,
        metrics: this.metrics,
        logger: this.logger,
      };
      apiRoutes.set(api.route, createApiHandler(handlerOptions));
      // The same API for other services of the graph: frames instead of JSON, token required.
      internalRoutes.set(api.method, createApiHandler(handlerOptions, codec, INTERNAL_ROUTE_PREFIX + api.method));
    }
    const token = options.internalToken ?? process.env[INTERNAL_TOKEN_ENV];
    const internalCalls = options.internalCalls ?? Boolean(token);
    if (internalCalls && !token) {
      throw new ConfigError(`Service ${name}: internal calls need a token (${INTERNAL_TOKEN_ENV} or the internalToken option)`);
    }
    const accessLog = new AccessLog(this.logger, name);
    // A refused call is answered, counted and logged: an internal one like an unknown path, a public
    // one without its API key under its route.
    const refuse = (req: IncomingMessage, res: ServerResponse, error: BentoError, endpoint = 'unmatched') => {
      req.resume();
      const started = performance.now();
      const requestId = requestIdOf(req);
      this.metrics.begin(endpoint);
      sendError(res, error, requestId);
      const ms = performance.now() - started;
      this.metrics.finish(endpoint, error.status, ms / 1000);
      accessLog.write(requestId, req.method, req.url, error.status, ms);
    };
    const internal = internalCalls ? internalDispatcher(token!, internalRoutes, refuse) : undefined;
    // Keys and CORS wrap the public handlers once, here: with both off the routes keep their bare
    // handlers. Internal routes keep their own token and need no key.
    for (const [route, handler] of apiRoutes) {
      let guarded = apiKeys ? requireApiKey(handler, apiKeys, name, (req, res, error) => refuse(req, res, error, route)) : handler;
      if (cors) guarded = cors.wrap(guarded);
      apiRoutes.set(route, guarded);
    }
    this.app = this.buildApp(apiRoutes, options, apiKeys, cors);
    const app = this.app;
    this.http = createServer((req: IncomingMessage, res: ServerResponse) => {
      const url = req.url ?? '/';
      if (req.method === 'POST') {
        const q = url.indexOf('?');
        const handler = apiRoutes.get(q === -1 ? url : url.slice(0, q));
        if (handler) return handler(req, res);
      }
      // Without internal calls the prefix is an unknown path like any other (express's 404).
      if (internal && url.startsWith(INTERNAL_ROUTE_PREFIX)) return internal(req, res);
      app(req, res);
    });
    // Longer than common load balancers' idle timeouts, so they close idle connections first.
    this.http.keepAliveTimeout = 65_000;
    this.http.headersTimeout = 66_000;
    // Read per stalled answer; checked here so that a bad value stops the service before it listens.
    sendTimeoutMs();
  }

  private buildApp(apiRoutes: Map<string, RequestHandler>, options: ServerOptions, apiKeys?: ApiKeys, cors?: CorsPolicy): Express {
    const app = express();
    app.disable('x-powered-by');
    // Express's fallback error page prints the stack unless its env is production. The last handler
    // below answers every error, so it is never reached; this keeps a stack out of it if it were.
    app.set('env', 'production');
    app.set('etag', false);
    const { name, options: serviceOptions } = this.definition;
    // Made here, so that a missing folder stops the service before it listens.
    const ui = serviceOptions.ui === undefined ? undefined : new StaticUi(serviceOptions.ui, name);
    const known = new Set<string>([...Object.keys(BUILT_IN_ROUTES), ...apiRoutes.keys()]);
    app.use(observeRequest(this.metrics, new AccessLog(this.logger, name), known, new Set(apiRoutes.keys()), ui));
    // Preflights are answered before any route, and need no key.
    if (cors) app.use(cors.middleware);
    const alive = (_req: Request, res: Response) => void res.type('text/plain').send('ok');
    const checkDependencies = options.checkDependencies ?? (async () => undefined);
    const document = buildOpenApiDocument(this.definition, packageVersion());
    const openapi = JSON.stringify(apiKeys ? withApiKeySecurity(document) : document);
    // Every built-in route but /docs, whose page and assets come from their own router below.
    const builtIn: Record<Exclude<BuiltInRoute, '/docs'>, (req: Request, res: Response) => unknown> = {
      '/livez': alive,
      '/healthz': alive,
      '/readyz': async (_req, res) => {
        const notReady = this.state.phase !== 'ready' ? `not ready: ${this.state.phase}` : await checkDependencies();
        res.status(notReady ? 503 : 200).type('text/plain').send(notReady ?? 'ok');
      },
      '/metrics': async (_req, res) => res.type(this.metrics.contentType).send(await this.metrics.render()),
      '/docs.json': (_req, res) => res.type('application/json').send(openapi),
    };
    for (const [route, handler] of Object.entries(builtIn)) app.get(route, handler);
    app.use(docsUiRouter(name));
    for (const [route, handler] of apiRoutes) {
      // POSTs normally never reach express (see the dispatcher above); this catches trailing-slash forms.
      app.all(route, (req, res) => {
        if (req.method === 'POST') return handler(req, res);
        sendError(res, new MethodNotAllowedError(`${route} only accepts POST, not ${req.method}`, 'POST'));
      });
    }
    // After every route above: the page never takes a path the framework or an API answers.
    if (ui) app.use(ui.handle);
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
   * service's startup (its `onStartup`; under `serve()` its in-process dependencies' first) while
   * API calls answer 503; `/readyz` turns 200 after that. Resolves with the URL clients can use.
   * When startup fails, the error is logged with its cause, the server is closed, and this
   * rejects with a `StartupError`.
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
    const { name } = this.definition;
    this.logger.info({ url: this.url }, `${name} starting`);
    flushLog(this.logger);
    try {
      await this.lifecycle.start();
    } catch (cause) {
      this.state.phase = 'failed';
      const error = cause instanceof StartupError ? cause : new StartupError(`Service ${name} failed to start: ${(cause as Error)?.message ?? String(cause)}`, cause);
      this.logger.error({ err: error.cause ?? error }, error.message);
      flushLogSync(this.logger);
      this.http.closeAllConnections();
      await new Promise<void>((resolve) => this.http.close(() => resolve()));
      throw error;
    }
    this.state.phase = 'ready';
    this.logger.info({ url: this.url, apis: this.definition.apis.map((a) => a.route) }, `${name} listening`);
    flushLog(this.logger);
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

  /**
   * Stops taking requests (new calls get 503 and their connection closed), waits until every
   * response in flight has been written out (up to the drain time), then runs shutdown. Rejects,
   * after everything was stopped, when a shutdown hook failed.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.state.phase === 'failed') return;
      this.state.phase = 'closing';
      // Requests still waiting for a slot get 503 now rather than running during the drain.
      this.gate.drain();
      const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
      this.http.closeIdleConnections();
      const drained = await this.state.whenIdle(this.drainSeconds * 1000);
      if (!drained) {
        this.logger.warn({ in_flight: this.state.responsesInFlight }, `drain time of ${this.drainSeconds}s is over: cutting the connections of unfinished requests`);
      }
      this.http.closeAllConnections();
      await closed;
      try {
        await this.lifecycle.stop();
      } catch (error) {
        this.logger.error({ err: error }, `${this.definition.name}: shutdown failed`);
        throw error;
      } finally {
        this.logger.info(`${this.definition.name} stopped`);
        flushLog(this.logger);
      }
    })();
    return this.closing;
  }
}

function packageVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../../package.json') as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
