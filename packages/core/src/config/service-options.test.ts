import { maxQueueSize, TrafficSchema } from './service-options';

describe('traffic.max_queue_size', () => {
  const traffic = (input: object) => TrafficSchema.parse(input);

  it('is 0 without external_queue: requests over the limit get 429', () => {
    expect(maxQueueSize(traffic({ max_concurrency: 3 }))).toBe(0);
  });

  it('defaults to 4 × max_concurrency with external_queue, or takes what is given', () => {
    expect(maxQueueSize(traffic({ external_queue: true }))).toBe(400);
    expect(maxQueueSize(traffic({ max_concurrency: 3, external_queue: true }))).toBe(12);
    expect(maxQueueSize(traffic({ max_concurrency: 3, external_queue: true, max_queue_size: 7 }))).toBe(7);
  });

  it.each([0, -1, 2.5])('refuses max_queue_size %p: a whole number of requests, at least 1', (size) => {
    const parsed = TrafficSchema.safeParse({ external_queue: true, max_queue_size: size });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path).toEqual(['max_queue_size']);
  });
});
