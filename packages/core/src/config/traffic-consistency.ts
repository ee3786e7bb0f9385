import type { z } from 'zod';
import type { TrafficSchema } from './service-options';

type Traffic = z.output<typeof TrafficSchema>;

/**
 * What is wrong in a service's traffic options taken together — each field may be valid alone
 * and still say something the server would not do. Checked on the options a process will run
 * with: the service's own at `@service()`, and again after a deployment's overrides are merged in.
 * Returns one message per problem, each naming the fields and the way out; empty when consistent.
 */
export function trafficProblems(traffic: Traffic): string[] {
  const problems: string[] = [];
  if (traffic.max_queue_size !== undefined && !traffic.external_queue) {
    // Ignoring it would leave a user believing requests wait when each one over the limit gets 429.
    problems.push(
      `traffic.max_queue_size (${traffic.max_queue_size}) is set but traffic.external_queue is not true: ` +
        'without the queue no request waits (those over max_concurrency get 429); set external_queue: true, or remove max_queue_size',
    );
  }
  if (traffic.concurrency !== undefined && traffic.concurrency > traffic.max_concurrency) {
    // The autoscaler would add a replica only past a load this replica already refuses or queues.
    problems.push(
      `traffic.concurrency (${traffic.concurrency}) is above traffic.max_concurrency (${traffic.max_concurrency}): ` +
        'the autoscaler would add replicas only after requests are refused or queued; set concurrency at most max_concurrency',
    );
  }
  return problems;
}
