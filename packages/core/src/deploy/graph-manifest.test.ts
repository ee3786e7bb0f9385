import { api } from '../sdk/api';
import { depends } from '../sdk/depends';
import { service } from '../sdk/service';
import { graphManifest } from './graph-manifest';

@service({ name: 'Model', resources: { gpu: 1, gpu_type: 'nvidia-l4' }, traffic: { timeout: 600 } })
class Model {
  @api() async predict() {
    return 1;
  }
}

@service({ name: 'Entry', workers: 2 })
class Entry {
  model = depends(Model);
  again = depends(Model);
  remote = depends({ url: 'http://other:3000', on: Model });
  @api({ route: '/v1/run' }) async run() {
    return 2;
  }
}

describe('graphManifest', () => {
  it('lists the services dependencies first, with resolved options, dependencies once and external ones apart', () => {
    const manifest = graphManifest(Entry);
    expect(manifest.entry).toBe('Entry');
    expect(manifest.services.map((s) => s.name)).toEqual(['Model', 'Entry']);
    const [model, entry] = manifest.services;
    expect(model).toMatchObject({ dependencies: [], external: [], routes: ['/predict'] });
    expect(model!.options).toMatchObject({ resources: { gpu: 1, gpu_type: 'nvidia-l4' }, traffic: { timeout: 600, max_concurrency: 100 }, workers: 1 });
    expect(entry).toMatchObject({ dependencies: ['Model'], external: [{ name: 'Model', url: 'http://other:3000' }], routes: ['/v1/run'] });
    expect(entry!.options.workers).toBe(2);
    // Plain data: it round-trips through JSON (bento.yaml) unchanged.
    expect(JSON.parse(JSON.stringify(manifest))).toEqual(manifest);
  });
});
