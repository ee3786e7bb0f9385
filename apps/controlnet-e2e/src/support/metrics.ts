/** What a service of the graph is doing, read from its own /metrics. */
import { request } from 'node:http';

/** GETs `path` of a service at `url`: `http://host:port`, or `unix:///path.sock` for a dependency of `bento serve`. */
function get(url: string, path: string): Promise<string> {
  const target = url.startsWith('unix://') ? { socketPath: url.slice('unix://'.length) } : { hostname: new URL(url).hostname, port: new URL(url).port };
  return new Promise((resolve, reject) => {
    const req = request({ ...target, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`GET ${path}: ${res.statusCode} ${body}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Requests the service is handling now, over all its endpoints but /metrics (the scrape that asks
 * is one of them).
 */
export async function requestsInProgress(url: string): Promise<number> {
  const text = await get(url, '/metrics');
  let total = 0;
  for (const match of text.matchAll(/^bento_service_request_in_progress\{([^}]*)\} (\S+)$/gm)) {
    if (!match[1]!.includes('endpoint="/metrics"')) total += Number(match[2]);
  }
  return total;
}
