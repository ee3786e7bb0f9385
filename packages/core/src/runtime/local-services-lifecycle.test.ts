import { StartupError } from '../errors';
import { api } from '../sdk/api';
import { service } from '../sdk/service';
import { LocalServices } from './local-services';

describe('LocalServices lifecycle', () => {
  const events: string[] = [];
  let failStartsLeft = 0;
  beforeEach(() => {
    events.length = 0;
    failStartsLeft = 0;
  });

  @service({ name: 'Model' })
  class Model {
    async onStartup() {
      if (failStartsLeft-- > 0) throw new Error('weights not found');
      events.push('Model up');
    }
    async onShutdown() {
      events.push('Model down');
    }
    @api()
    async ping() {
      return 'pong';
    }
  }
  @service({ name: 'Tokenizer' })
  class Tokenizer {
    async onStartup() {
      events.push('Tokenizer up');
    }
    async onShutdown() {
      events.push('Tokenizer down');
      throw new Error('tokenizer cache is read-only');
    }
  }
  @service({ name: 'Front' })
  class Front {
    async onStartup() {
      events.push('Front up');
    }
    async onShutdown() {
      events.push('Front down');
    }
  }

  it('starts in the order given and shuts down in reverse, every one even when one fails', async () => {
    const local = new LocalServices();
    await local.startAll([Model, Tokenizer, Front]);
    expect(events).toEqual(['Model up', 'Tokenizer up', 'Front up']);
    events.length = 0;
    const stopped = local.shutdown();
    await expect(stopped).rejects.toThrow(AggregateError);
    await expect(stopped).rejects.toThrow('onShutdown failed in Tokenizer (tokenizer cache is read-only)');
    expect(events).toEqual(['Front down', 'Tokenizer down', 'Model down']);
  });

  it('names the service that failed to start and shuts down the ones already started', async () => {
    const local = new LocalServices();
    failStartsLeft = 1;
    const started = local.startAll([Tokenizer, Model, Front]);
    await expect(started).rejects.toThrow(StartupError);
    await expect(started).rejects.toThrow('Service Model failed to start: weights not found');
    expect(events).toEqual(['Tokenizer up', 'Tokenizer down']);
  });

  it('does not remember a failed start: the next use starts it again', async () => {
    const local = new LocalServices();
    failStartsLeft = 1;
    const target = local.target(Model);
    await expect(target.call('ping', {})).rejects.toThrow('weights not found');
    await expect(target.call('ping', {})).resolves.toBe('pong');
    expect(events).toEqual(['Model up']);
    await local.shutdown();
    expect(events).toEqual(['Model up', 'Model down']);
  });

  it('uses a registered instance instead of making one', async () => {
    const local = new LocalServices();
    const front = new Front();
    local.register(Front, front as never);
    await local.startAll([Front]);
    await expect(local.start(Front)).resolves.toBe(front);
    await local.shutdown();
    expect(events).toEqual(['Front up', 'Front down']);
  });
});
