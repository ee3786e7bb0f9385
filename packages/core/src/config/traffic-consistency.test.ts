import { TrafficSchema } from './service-options';
import { trafficProblems } from './traffic-consistency';

const problemsOf = (input: object) => trafficProblems(TrafficSchema.parse(input));

describe('trafficProblems', () => {
  it('accepts the defaults and every consistent combination', () => {
    expect(problemsOf({})).toEqual([]);
    expect(problemsOf({ external_queue: true })).toEqual([]);
    expect(problemsOf({ max_concurrency: 8, concurrency: 8, external_queue: true, max_queue_size: 1 })).toEqual([]);
    expect(problemsOf({ max_concurrency: 8, concurrency: 6 })).toEqual([]);
  });

  it('names a queue size given without the queue, and the way out', () => {
    expect(problemsOf({ max_queue_size: 32 })).toEqual([
      'traffic.max_queue_size (32) is set but traffic.external_queue is not true: without the queue no request waits ' +
        '(those over max_concurrency get 429); set external_queue: true, or remove max_queue_size',
    ]);
    expect(problemsOf({ max_queue_size: 32, external_queue: false })).toHaveLength(1);
  });

  it('names an autoscaler target above what a replica runs, counting the default max_concurrency', () => {
    expect(problemsOf({ concurrency: 101 })).toEqual([
      'traffic.concurrency (101) is above traffic.max_concurrency (100): the autoscaler would add replicas only ' +
        'after requests are refused or queued; set concurrency at most max_concurrency',
    ]);
    expect(problemsOf({ concurrency: 100 })).toEqual([]);
  });

  it('lists every problem at once', () => {
    expect(problemsOf({ max_concurrency: 2, concurrency: 3, max_queue_size: 4 })).toHaveLength(2);
  });
});
