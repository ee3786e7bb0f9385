import cluster from 'node:cluster';
import type { Registry } from 'prom-client';
import { ServiceUnavailableError } from '../errors';

/**
 * Set (to "1") in the environment of cluster workers whose primary answers their metrics scrapes
 * (the worker pool of `bento serve`). A worker of some other cluster keeps its own /metrics.
 */
export const CLUSTER_METRICS_ENV = 'BENTO_CLUSTER_METRICS';

/** One metric as `Registry.getMetricsAsJSON()` gives it: what crosses the IPC channel. */
export interface MetricJson {
  name: string;
  help: string;
  type: string;
  aggregator: string;
  values: Array<{ value: number; labels: Record<string, string | number>; metricName?: string }>;
}

// One scrape: the scraped worker sends SCRAPE; the primary sends COLLECT to it and to every
// ready worker, each answers COLLECTED with its own metrics, and the primary answers SCRAPED
// with the aggregate.
/** Worker → primary: a scrape arrived; answer with every worker's metrics. */
export const SCRAPE = 'bento:metrics-scrape';
/** Primary → worker: the aggregate for scrape `id`, rendered, or why there is none. */
export const SCRAPED = 'bento:metrics-scraped';
/** Primary → worker: send your own metrics for collection `id`. */
export const COLLECT = 'bento:metrics-collect';
/** Worker → primary: this worker's metrics for collection `id`. */
export const COLLECTED = 'bento:metrics-collected';

/** A message of this protocol of type `type` (anything may arrive on the channel). */
export function isMessage<T extends object>(
  message: unknown,
  type: string,
): message is T & { type: string; id: number } {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === type &&
    typeof (message as { id?: unknown }).id === 'number'
  );
}

/** How long a worker waits for the pool's answer; longer than the primary waits for the workers. */
const SCRAPE_TIMEOUT_MS = 5_000;

const shared: Registry[] = [];
const scrapes = new Map<number, (answer: { text?: string; error?: string }) => void>();
let nextScrape = 0;

/** Whether this process is a cluster worker whose primary gathers the metrics of all its workers. */
export function inMetricsPool(): boolean {
  return (
    cluster.isWorker &&
    process.env[CLUSTER_METRICS_ENV] === '1' &&
    typeof process.send === 'function'
  );
}

/**
 * In a pool worker: answers the primary's collections with `registry`'s metrics (with those of
 * any registry shared before). Call once per registry, before the worker reports ready.
 */
export function shareWithPrimary(registry: Registry): void {
  if (shared.push(registry) > 1) return;
  process.on('message', (message: unknown) => {
    if (isMessage(message, COLLECT)) {
      collectShared().then(
        (metrics) => sendToPrimary({ type: COLLECTED, id: message.id, metrics }),
        // Unanswered, the primary uses this worker's previous answer after its timeout.
        () => undefined,
      );
    } else if (isMessage<{ text?: string; error?: string }>(message, SCRAPED)) {
      scrapes.get(message.id)?.(message);
    }
  });
}

/** Sends to the primary; a closed channel means the worker is stopping: nothing to report then. */
function sendToPrimary(message: object, onError: (error: Error) => void = () => {}): void {
  process.send?.(message, undefined, {}, (error: Error | null) => {
    if (error) onError(error);
  });
}

async function collectShared(): Promise<MetricJson[]> {
  const all = await Promise.all(shared.map((registry) => registry.getMetricsAsJSON()));
  return all.flat() as unknown as MetricJson[];
}

/**
 * In a pool worker: the Prometheus text of the whole pool, gathered by the primary. A scrape that
 * gets no answer fails (503) rather than showing this worker's counts alone: those would look to
 * Prometheus like counters that went down.
 */
export function scrapeThroughPrimary(): Promise<string> {
  const id = nextScrape++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => settle({ error: `the worker pool did not answer within ${SCRAPE_TIMEOUT_MS} ms` }),
      SCRAPE_TIMEOUT_MS,
    );
    const settle = (answer: { text?: string; error?: string }) => {
      clearTimeout(timer);
      scrapes.delete(id);
      if (answer.text !== undefined) resolve(answer.text);
      else
        reject(
          new ServiceUnavailableError(
            `Metrics of the worker pool are unavailable: ${answer.error ?? 'no answer'}`,
          ),
        );
    };
    scrapes.set(id, settle);
    sendToPrimary({ type: SCRAPE, id }, (error) => settle({ error: error.message }));
  });
}
