import { z } from 'zod';
import { ConfigError } from '../errors';
import { applyServiceEnvs } from '../server/service-envs';
import { ServiceServer } from '../server/create-server';
import { api } from './api';
import { getServiceDefinition, isServiceClass } from './definition';
import { service } from './service';

describe('@service options', () => {
  it('fills the defaults: traffic.timeout 60, max_concurrency 100, workers 1, no envs', () => {
    @service()
    class Plain {}
    const { name, options } = getServiceDefinition(Plain);
    expect(name).toBe('Plain');
    expect(options.traffic.timeout).toBe(60);
    expect(options.traffic.max_concurrency).toBe(100);
    expect(options.workers).toBe(1);
    expect(options.envs).toEqual([]);
  });

  it('keeps the timeout default when only other traffic options are given', () => {
    @service({ traffic: { max_concurrency: 4 } })
    class Limited {}
    expect(getServiceDefinition(Limited).options.traffic).toEqual({ timeout: 60, max_concurrency: 4 });
  });

  it('keeps what the user gave', () => {
    @service({ name: 'Named', resources: { cpu: '500m', memory: '2Gi' }, traffic: { timeout: 30, max_concurrency: 8 }, workers: 'cpu_count' })
    class Whatever {}
    const definition = getServiceDefinition(Whatever);
    expect(definition.name).toBe('Named');
    expect(definition.options.resources).toEqual({ cpu: '500m', memory: '2Gi' });
    expect(definition.options.traffic).toEqual({ timeout: 30, max_concurrency: 8 });
    expect(definition.options.workers).toBe('cpu_count');
    expect(isServiceClass(Whatever)).toBe(true);
  });

  it.each([
    [{ name: 'Bad', traffic: { timeout: -1 } }, 'traffic.timeout', />0/],
    [{ name: 'Bad', traffic: { max_concurrency: 1.5 } }, 'traffic.max_concurrency', /int/i],
    // Node runs a timer of more than 2^31 - 1 ms after 1 ms: such a timeout would answer 504 at once.
    [{ name: 'Bad', traffic: { timeout: 3e6 } }, 'traffic.timeout', /at most 2147483 seconds/],
    [{ name: 'Bad', resources: { memory: 'lots' } }, 'resources.memory', /a memory amount like "512Mi" or "4Gi"/],
    [{ name: 'Bad', resources: { cpu: 'two' } }, 'resources.cpu', /./],
    [{ name: 'Bad', workers: 0 }, 'workers', /./],
    [{ name: 'Bad', envs: [{ name: 'not a name' }] }, 'envs.0.name', /an environment variable name/],
  ])('refuses %j naming the service, the path and what was expected', (options, path, expected) => {
    let thrown: unknown;
    try {
      @service(options as never)
      class Broken {}
      void Broken;
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const message = (thrown as Error).message;
    expect(message).toContain('Invalid options for service Bad');
    expect(message).toContain(`${path}: `);
    expect(message).toMatch(expected);
  });

  it('names the class when the options have no name, and refuses unknown keys', () => {
    expect(() => {
      @service({ trafic: { timeout: 1 } } as never)
      class Typo {}
      void Typo;
    }).toThrow(/Invalid options for service Typo: .*trafic/);
  });

  it('refuses traffic options that are valid alone but contradict each other', () => {
    expect(() => {
      @service({ name: 'NoQueue', traffic: { max_queue_size: 10 } })
      class NoQueue {}
      void NoQueue;
    }).toThrow(/Invalid options for service NoQueue: traffic\.max_queue_size \(10\) is set but traffic\.external_queue is not true/);
    expect(() => {
      @service({ name: 'Overscaled', traffic: { max_concurrency: 4, concurrency: 5 } })
      class Overscaled {}
      void Overscaled;
    }).toThrow(/Invalid options for service Overscaled: traffic\.concurrency \(5\) is above traffic\.max_concurrency \(4\)/);
    expect(() => {
      @service({ name: 'Queued', traffic: { max_concurrency: 4, concurrency: 4, external_queue: true, max_queue_size: 10 } })
      class Queued {}
      void Queued;
    }).not.toThrow();
  });

  it('refuses a bad service name', () => {
    expect(() => {
      @service({ name: '1st service' })
      class S {}
      void S;
    }).toThrow(/Invalid options for service 1st service: name: .*starting with a letter/);
  });
});

describe('envs', () => {
  it('sets listed values unless the environment has one, and names every missing variable', () => {
    @service({ name: 'Envy', envs: [{ name: 'A_VALUE', value: 'from-service' }, { name: 'KEPT', value: 'ignored' }, { name: 'NEEDED_ONE' }, { name: 'NEEDED_TWO' }] })
    class Envy {}
    const env: NodeJS.ProcessEnv = { KEPT: 'from-env' };
    expect(() => applyServiceEnvs(getServiceDefinition(Envy), env)).toThrow(
      'Service Envy needs the environment variables NEEDED_ONE, NEEDED_TWO (listed in its envs without a value); set them before serving',
    );
    const complete: NodeJS.ProcessEnv = { KEPT: 'from-env', NEEDED_ONE: '1', NEEDED_TWO: '2' };
    applyServiceEnvs(getServiceDefinition(Envy), complete);
    expect(complete).toEqual({ A_VALUE: 'from-service', KEPT: 'from-env', NEEDED_ONE: '1', NEEDED_TWO: '2' });
  });

  it('fails at serve time, not at import time, when a variable is missing', () => {
    delete process.env.BENTO_TEST_MISSING_TOKEN;
    @service({ name: 'NeedsToken', envs: [{ name: 'BENTO_TEST_MISSING_TOKEN' }] })
    class NeedsToken {}
    expect(() => new ServiceServer(NeedsToken)).toThrow(/Service NeedsToken needs the environment variable BENTO_TEST_MISSING_TOKEN /);
  });

  it('applies values to process.env when the server is made', () => {
    delete process.env.BENTO_TEST_APPLIED;
    @service({ name: 'Applies', envs: [{ name: 'BENTO_TEST_APPLIED', value: 'yes' }] })
    class Applies {}
    const server = new ServiceServer(Applies, { logger: undefined });
    expect(process.env.BENTO_TEST_APPLIED).toBe('yes');
    server.http.close();
    delete process.env.BENTO_TEST_APPLIED;
  });
});

describe('@api options', () => {
  it('defaults the route to /<method> and the name to the method', () => {
    @service()
    class Routes {
      @api()
      async predict() {
        return 1;
      }
      @api({ route: '/v1/generate', name: 'gen', doc: 'Generates' })
      async generate() {
        return 2;
      }
      notAnApi() {
        return 3;
      }
    }
    const { apis } = getServiceDefinition(Routes);
    expect(apis.map((a) => [a.method, a.name, a.route, a.doc])).toEqual([
      ['predict', 'predict', '/predict', undefined],
      ['generate', 'gen', '/v1/generate', 'Generates'],
    ]);
  });

  it('serves APIs declared on a base class', () => {
    class Base {
      @api()
      async ping() {
        return 'pong';
      }
    }
    @service()
    class Derived extends Base {
      @api()
      async own() {
        return 1;
      }
    }
    expect(getServiceDefinition(Derived).apis.map((a) => a.route).sort()).toEqual(['/own', '/ping']);
  });

  it.each(['/livez', '/readyz', '/healthz', '/metrics', '/docs', '/docs.json', '/_bento/call/generate'])('refuses the reserved route %s', (route) => {
    expect(() => {
      @service({ name: 'Reserved' })
      class Reserved {
        @api({ route })
        async x() {}
      }
      void Reserved;
    }).toThrow(`Service Reserved: API x cannot use the reserved route ${route}`);
  });

  it('refuses a method named like a reserved route', () => {
    expect(() => {
      @service({ name: 'Probe' })
      class Probe {
        @api()
        async livez() {}
      }
      void Probe;
    }).toThrow('Service Probe: API livez cannot use the reserved route /livez');
  });

  it('refuses two APIs on one route', () => {
    expect(() => {
      @service({ name: 'Dup' })
      class Dup {
        @api({ route: '/same' })
        async a() {}
        @api({ route: '/same' })
        async b() {}
      }
      void Dup;
    }).toThrow('Service Dup: APIs a and b both use route /same');
  });

  it.each([['no-slash'], ['/with space'], ['/q?x=1']])('refuses the route %j', (route) => {
    expect(() => {
      class R {
        @api({ route })
        async x() {}
      }
      void R;
    }).toThrow(`@api() on x: expected route to be a path like "/generate" but received ${JSON.stringify(route)}`);
  });

  it('refuses an input that is not a zod schema', () => {
    expect(() => {
      class R {
        @api({ input: { type: 'object' } as never })
        async x() {}
      }
      void R;
    }).toThrow('@api() on x: expected a zod schema for input');
  });

  it('accepts zod schemas for input and output', () => {
    @service()
    class Typed {
      @api({ input: z.object({ a: z.number() }), output: z.number() })
      async add({ a }: { a: number }) {
        return a + 1;
      }
    }
    const [definition] = getServiceDefinition(Typed).apis;
    expect(definition!.input).toBeDefined();
    expect(definition!.output).toBeDefined();
  });

  it('refuses a static method', () => {
    expect(() => {
      class R {
        @api()
        static async x() {}
      }
      void R;
    }).toThrow('@api() can only decorate instance methods, not x');
  });

  it('also takes the legacy experimentalDecorators call shape (prototype, key, descriptor)', () => {
    class Legacy {
      async add({ a }: { a: number }) {
        return a + 1;
      }
    }
    // What TypeScript emits for `@api(...)` under experimentalDecorators.
    const descriptor = Object.getOwnPropertyDescriptor(Legacy.prototype, 'add')!;
    api({ input: z.object({ a: z.number() }), route: '/plus' })(Legacy.prototype, 'add', descriptor);
    service({ name: 'Legacy' })(Legacy);
    expect(getServiceDefinition(Legacy).apis).toEqual([expect.objectContaining({ method: 'add', name: 'add', route: '/plus' })]);
    expect(() => api()(Legacy.prototype, 'missing', {})).toThrow('@api() on missing: expected a method');
  });
});

describe('getServiceDefinition', () => {
  it('names what it received when it is not a service', () => {
    class NotAService {}
    expect(() => getServiceDefinition(NotAService)).toThrow('Expected a class decorated with @service() but received class NotAService');
    expect(() => getServiceDefinition('x')).toThrow('Expected a class decorated with @service() but received the string "x"');
    expect(isServiceClass(NotAService)).toBe(false);
  });

  it('does not make a subclass of a service a service', () => {
    @service()
    class Parent {}
    class Child extends Parent {}
    expect(isServiceClass(Child)).toBe(false);
  });
});
