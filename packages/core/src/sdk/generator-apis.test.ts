import { ConfigError } from '../errors';
import { api } from './api';
import { service } from './service';

// Until streaming lands, a generator API would be answered with 200 `{}`: refuse it up front.
describe('generator methods as APIs', () => {
  it('refuses an async generator when the service is defined', () => {
    const define = () => {
      @service({ name: 'Streams' })
      class Streams {
        @api()
        async *tokens() {
          yield 'a';
        }
      }
      return Streams;
    };
    expect(define).toThrow(ConfigError);
    expect(define).toThrow('Service Streams: API tokens is a generator function; streaming APIs are not supported yet');
  });

  it('refuses a sync generator too', () => {
    expect(() => {
      @service({ name: 'Numbers' })
      class Numbers {
        @api()
        *count() {
          yield 1;
        }
      }
      void Numbers;
    }).toThrow('Service Numbers: API count is a generator function');
  });
});
