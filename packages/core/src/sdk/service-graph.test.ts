import { z } from 'zod';
import { ConfigError } from '../errors';
import { api } from './api';
import { depends } from './depends';
import { service } from './service';
import { buildServiceGraph } from './service-graph';
import { getServiceDefinition, type ServiceClass } from './definition';

const names = (order: ServiceClass[]) => order.map((s) => getServiceDefinition(s).name);

describe('buildServiceGraph', () => {
  it('orders a diamond dependencies first, with the shared service once', () => {
    @service({ name: 'D' })
    class D {
      @api({ input: z.object({ x: z.number() }) })
      async inc({ x }: { x: number }) {
        return x + 1;
      }
    }
    @service({ name: 'B' })
    class B {
      d = depends(D);
    }
    @service({ name: 'C' })
    class C {
      d = depends(D);
    }
    @service({ name: 'A' })
    class A {
      b = depends(B);
      c = depends(C);
    }
    const graph = buildServiceGraph(A);
    expect(names(graph.order)).toEqual(['D', 'B', 'C', 'A']);
    expect(graph.dependencies.get(A)!.map((s) => s.name)).toEqual(['B', 'C']);
  });

  it('collects a chain of five', () => {
    @service({ name: 'S5' }) class S5 {}
    @service({ name: 'S4' }) class S4 { next = depends(S5); }
    @service({ name: 'S3' }) class S3 { next = depends(S4); }
    @service({ name: 'S2' }) class S2 { next = depends(S3); }
    @service({ name: 'S1' }) class S1 { next = depends(S2); }
    expect(names(buildServiceGraph(S1).order)).toEqual(['S5', 'S4', 'S3', 'S2', 'S1']);
  });

  it('rejects a cycle and prints it', () => {
    const holder: { Y?: ServiceClass } = {};
    @service({ name: 'X' })
    class X {
      y = depends(holder.Y!);
    }
    @service({ name: 'Y' })
    class Y {
      x = depends(X);
    }
    holder.Y = Y;
    expect(() => buildServiceGraph(X)).toThrow(ConfigError);
    expect(() => buildServiceGraph(X)).toThrow('Dependency cycle: X → Y → X');
  });

  it('rejects two different services with one name', () => {
    @service({ name: 'Twin' }) class Twin1 {}
    const Twin2 = (() => {
      @service({ name: 'Twin' }) class Twin {}
      return Twin;
    })();
    @service({ name: 'Parent' })
    class Parent {
      a = depends(Twin1);
      b = depends(Twin2);
    }
    expect(() => buildServiceGraph(Parent)).toThrow('Two different services are named Twin');
  });

  it('leaves external (URL) dependencies out of the graph', () => {
    @service({ name: 'Remote' }) class Remote {}
    @service({ name: 'Caller' })
    class Caller {
      r = depends({ url: 'http://remote.example:3000', on: Remote });
    }
    expect(names(buildServiceGraph(Caller).order)).toEqual(['Caller']);
  });

  it('names the service whose constructor throws during discovery', () => {
    @service({ name: 'Heavy' })
    class Heavy {
      constructor() {
        throw new Error('model not found');
      }
    }
    expect(() => buildServiceGraph(Heavy)).toThrow(/service Heavy: its constructor threw \(model not found\)/);
  });
});

describe('depends', () => {
  it('throws a TypeError for something that is not a service class', () => {
    class Plain {}
    expect(() => depends(Plain as never)).toThrow(TypeError);
    expect(() => depends(Plain as never)).toThrow(/class Plain, which is not decorated with @service\(\)/);
    expect(() => depends(42 as never)).toThrow(/received number 42/);
    @service({ name: 'Ok' }) class Ok {}
    expect(() => depends({ url: 'ftp://x', on: Ok })).toThrow(/URL for depends\(\{ url \}\)/);
  });
});
