import { AggregatorRegistry, Registry } from 'prom-client';
import { batchMetrics } from './batch-metrics';

/** The samples of `text` named `name`, as `{labels} value` lines without the name. */
function samples(text: string, name: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `)).map((line) => line.slice(name.length));
}

describe('the batching metrics', () => {
  it('render the batch sizes as cumulative buckets, sum and count per endpoint', async () => {
    const registry = new Registry();
    const histogram = batchMetrics(registry, 'S');
    expect(batchMetrics(registry, 'S')).toBe(histogram);
    const double = histogram.observer('/double');
    for (const rows of [1, 3, 3, 64, 2000]) double(rows);
    histogram.observe('/other', 2);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE bento_service_batch_size histogram');
    const buckets = samples(text, 'bento_service_batch_size_bucket').filter((line) => line.includes('endpoint="/double"'));
    expect(buckets).toEqual([
      ['1', 1], ['2', 1], ['4', 3], ['8', 3], ['16', 3], ['32', 3], ['64', 4], ['128', 4], ['256', 4], ['512', 4], ['1024', 4], ['+Inf', 5],
    ].map(([le, count]) => `{le="${le}",endpoint="/double",service_name="S"} ${count}`));
    expect(samples(text, 'bento_service_batch_size_sum')).toEqual(['{endpoint="/double",service_name="S"} 2071', '{endpoint="/other",service_name="S"} 2']);
    expect(samples(text, 'bento_service_batch_size_count')).toEqual(['{endpoint="/double",service_name="S"} 5', '{endpoint="/other",service_name="S"} 1']);
  });

  it('report the calls waiting in each queue, read at scrape time', async () => {
    const registry = new Registry();
    let waiting = 3;
    batchMetrics(registry, 'S').watchQueue('/double', () => waiting);
    expect(samples(await registry.metrics(), 'bento_service_batch_queue_size')).toEqual(['{endpoint="/double",service_name="S"} 3']);
    waiting = 0;
    expect(samples(await registry.metrics(), 'bento_service_batch_queue_size')).toEqual(['{endpoint="/double",service_name="S"} 0']);
  });

  it("sum over a worker pool's workers, as the pool's primary merges them", async () => {
    const workers = [new Registry(), new Registry()];
    batchMetrics(workers[0]!, 'S').observe('/double', 4);
    batchMetrics(workers[1]!, 'S').observe('/double', 30);
    batchMetrics(workers[1]!, 'S').observe('/double', 2);
    const merged = await AggregatorRegistry.aggregate(await Promise.all(workers.map((r) => r.getMetricsAsJSON()))).metrics();
    expect(samples(merged, 'bento_service_batch_size_count')).toEqual(['{endpoint="/double",service_name="S"} 3']);
    expect(samples(merged, 'bento_service_batch_size_sum')).toEqual(['{endpoint="/double",service_name="S"} 36']);
    expect(samples(merged, 'bento_service_batch_size_bucket').find((line) => line.startsWith('{le="4"'))).toBe('{le="4",endpoint="/double",service_name="S"} 2');
  });
});
