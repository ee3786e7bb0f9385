import { api } from '../sdk/api';
import { getServiceDefinition } from '../sdk/definition';
import { depends } from '../sdk/depends';
import { service } from '../sdk/service';
import { buildServiceGraph } from '../sdk/service-graph';
import { applyConfigOverrides } from './config-overrides';

@service({ name: 'Callee', traffic: { timeout: 600 } })
class Callee {
  @api() async run() {
    return 1;
  }
}

@service({ name: 'Caller', workers: 2 })
class Caller {
  callee = depends(Callee);
  @api() async run() {
    return 2;
  }
}

describe('applyConfigOverrides', () => {
  it('applies BENTO_CONFIG_OVERRIDES to every service of the graph, keeping what it does not name', () => {
    const graph = buildServiceGraph(Caller);
    applyConfigOverrides(graph, { BENTO_CONFIG_OVERRIDES: JSON.stringify({ Callee: { traffic: { timeout: 700, max_concurrency: 20 } }, Caller: { workers: 1 } }) });
    expect(getServiceDefinition(Callee).options.traffic).toEqual({ timeout: 700, max_concurrency: 20 });
    expect(getServiceDefinition(Caller).options.workers).toBe(1);
    expect(getServiceDefinition(Caller).options.traffic.timeout).toBe(60);
  });

  it("replaces a service's cors option with the deployment's, checked like the service's own", () => {
    const graph = buildServiceGraph(Caller);
    applyConfigOverrides(graph, { BENTO_CONFIG_OVERRIDES: JSON.stringify({ Caller: { cors: { allow_origins: ['https://app.example.com'] } } }) });
    expect(getServiceDefinition(Caller).options.cors).toEqual({ allow_origins: ['https://app.example.com'], allow_credentials: false, max_age: 600 });
    expect(getServiceDefinition(Callee).options.cors).toBeUndefined();
    expect(() => applyConfigOverrides(graph, { BENTO_CONFIG_OVERRIDES: JSON.stringify({ Caller: { cors: { allow_origins: '*', allow_credentials: true } } }) })).toThrow(
      'BENTO_CONFIG_OVERRIDES is invalid: Caller.cors.allow_credentials: allow_origins "*" cannot go with allow_credentials: true',
    );
  });

  it("checks the service's traffic with the overrides merged in", () => {
    const graph = buildServiceGraph(Caller);
    // The override turns the queue on, so its size set alongside is consistent.
    applyConfigOverrides(graph, { BENTO_CONFIG_OVERRIDES: JSON.stringify({ Callee: { traffic: { external_queue: true, max_queue_size: 8 } } }) });
    expect(getServiceDefinition(Callee).options.traffic).toMatchObject({ external_queue: true, max_queue_size: 8 });
    // max_concurrency is 100 by default: an autoscaler target above it is refused, and nothing is applied.
    expect(() => applyConfigOverrides(graph, { BENTO_CONFIG_OVERRIDES: JSON.stringify({ Caller: { traffic: { concurrency: 150 } } }) })).toThrow(
      'BENTO_CONFIG_OVERRIDES is invalid for Caller: traffic.concurrency (150) is above traffic.max_concurrency (100)',
    );
    expect(getServiceDefinition(Caller).options.traffic.concurrency).toBeUndefined();
    expect(() => applyConfigOverrides(graph, { BENTO_CONFIG_OVERRIDES: JSON.stringify({ Caller: { traffic: { max_queue_size: 5 } } }) })).toThrow(
      'BENTO_CONFIG_OVERRIDES is invalid for Caller: traffic.max_queue_size (5) is set but traffic.external_queue is not true',
    );
  });

  it('names the variable and the problem', () => {
    const graph = buildServiceGraph(Caller);
    expect(() => applyConfigOverrides(graph, { BENTO_CONFIG_OVERRIDES: '{' })).toThrow('BENTO_CONFIG_OVERRIDES is not valid JSON');
    expect(() => applyConfigOverrides(graph, { BENTO_CONFIG_OVERRIDES: '{"Callee":{"traffic":{"timeout":-1}}}' })).toThrow('BENTO_CONFIG_OVERRIDES is invalid: Callee.traffic.timeout');
    expect(() => applyConfigOverrides(graph, { BENTO_CONFIG_OVERRIDES: '{"Other":{"workers":1}}' })).toThrow('BENTO_CONFIG_OVERRIDES names Other, which is not in this graph (its services: Callee, Caller)');
    expect(() => applyConfigOverrides(graph, {})).not.toThrow();
  });
});
