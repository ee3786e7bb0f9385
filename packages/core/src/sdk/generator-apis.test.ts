import { api } from './api';
import { getServiceDefinition } from './definition';
import { service } from './service';

// Generator methods are streaming APIs: the server streams what they yield (see server/pump-stream.ts).
describe('generator methods as APIs', () => {
  it('marks async and sync generators as streaming, and nothing else', () => {
    @service({ name: 'Streams' })
    class Streams {
      @api()
      async *tokens() {
        yield 'a';
      }

      @api()
      *count() {
        yield 1;
      }

      @api()
      async plain() {
        return 'a';
      }
    }
    const streaming = Object.fromEntries(getServiceDefinition(Streams).apis.map((a) => [a.method, a.streaming]));
    expect(streaming).toEqual({ tokens: true, count: true, plain: false });
  });
});
