/** How long a client waits for /docs.json before calling `/<method>` and trying again next call. */
const DISCOVERY_TIMEOUT_MS = 10_000;

type OpenApiPaths = Record<string, { post?: { 'x-bento-method'?: string; 'x-bento-streaming'?: boolean } }>;

/** What discovery learns of one API. */
interface RouteInfo {
  path: string;
  streaming: boolean;
}

/**
 * Reads the API routes from the server's OpenAPI document (`x-bento-method` → path). Undefined when
 * the answer says nothing yet (no connection, a 5xx or 429, a timeout): worth asking again. A
 * server that answers but has no Bento document gets an empty map: every method at `/<method>`.
 */
async function fetchRoutes(baseUrl: string): Promise<Map<string, RouteInfo> | undefined> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/docs.json`, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS) });
  } catch {
    return undefined;
  }
  if (response.status >= 500 || response.status === 429) {
    await response.arrayBuffer().catch(() => undefined);
    return undefined;
  }
  const routes = new Map<string, RouteInfo>();
  try {
    if (!response.ok) {
      await response.arrayBuffer();
      return routes;
    }
    const document = (await response.json()) as { paths?: OpenApiPaths };
    for (const [route, item] of Object.entries(document.paths ?? {})) {
      const method = item.post?.['x-bento-method'];
      if (method) routes.set(method, { path: route, streaming: item.post?.['x-bento-streaming'] === true });
    }
  } catch {
    // Not JSON, or cut off: an older or non-Bento server; fall back to /<method>.
  }
  return routes;
}

/**
 * A client's routes, discovered once per client: concurrent calls share one request for
 * /docs.json, and a discovery that failed is tried again by the next call rather than kept.
 */
export class RouteTable {
  private routes?: Map<string, RouteInfo>;
  private discovering?: Promise<Map<string, RouteInfo> | undefined>;

  constructor(private readonly baseUrl: string) {}

  /** The path of `method`: the discovered one, or `/<method>` when there is none (yet). */
  async routeOf(method: string): Promise<string> {
    return (await this.infoOf(method)).path;
  }

  /** The path of `method` and whether it streams (false when unknown). */
  async infoOf(method: string): Promise<RouteInfo> {
    const routes = this.routes ?? (await this.discover());
    return routes?.get(method) ?? { path: `/${method}`, streaming: false };
  }

  private discover(): Promise<Map<string, RouteInfo> | undefined> {
    this.discovering ??= fetchRoutes(this.baseUrl).then((found) => {
      this.discovering = undefined;
      if (found) this.routes = found;
      return found;
    });
    return this.discovering;
  }
}
