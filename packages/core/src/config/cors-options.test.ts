// The `cors` service option as users write it: what validates, and the errors @service() raises
// for what does not (each naming the field and what was expected).
import { service } from '../sdk/service';
import { getServiceDefinition } from '../sdk/definition';
import type { CorsOptions } from './cors-options';

function decorate(cors: unknown) {
  @service({ name: 'Cors', cors: cors as CorsOptions })
  class Cors {}
  return getServiceDefinition(Cors).options.cors;
}

describe('the cors service option', () => {
  it('is off unless given, and fills in its defaults', () => {
    @service({ name: 'NoCors' })
    class NoCors {}
    expect(getServiceDefinition(NoCors).options.cors).toBeUndefined();
    expect(decorate({ allow_origins: ['https://app.example.com', 'http://localhost:5173'] })).toEqual({
      allow_origins: ['https://app.example.com', 'http://localhost:5173'],
      allow_credentials: false,
      max_age: 600,
    });
    expect(decorate({ allow_origins: '*', expose_headers: ['x-sdxl-seed'], allow_methods: ['POST'], max_age: 0 })).toMatchObject({ allow_origins: '*', expose_headers: ['x-sdxl-seed'], allow_methods: ['POST'], max_age: 0 });
  });

  it.each([
    [{ allow_origins: '*', allow_credentials: true }, 'cors.allow_credentials: allow_origins "*" cannot go with allow_credentials: true'],
    [{ allow_origins: ['https://app.example.com/'] }, 'cors.allow_origins.0: "https://app.example.com/" is not an origin as browsers send it: expected scheme, lower-case host and port, no path'],
    [{ allow_origins: ['https://App.example.com'] }, 'cors.allow_origins.0: "https://App.example.com" is not an origin'],
    [{ allow_origins: ['https://app.example.com:443'] }, 'cors.allow_origins.0: "https://app.example.com:443" is not an origin'],
    [{ allow_origins: ['app.example.com'] }, 'cors.allow_origins.0: "app.example.com" is not an origin'],
    [{ allow_origins: [] }, 'cors.allow_origins: at least one origin (or "*" for any)'],
    [{ allow_origins: 'https://app.example.com' }, 'cors.allow_origins: a list of origins like ["https://app.example.com"], or "*" for any origin'],
    [{ allow_origins: ['https://a.example.com'], allow_origin: 'x' }, 'cors: Unrecognized key: "allow_origin"'],
    [{ allow_origins: ['https://a.example.com'], allow_methods: ['post'] }, 'cors.allow_methods.0: an HTTP method in upper case'],
    [{ allow_origins: ['https://a.example.com'], expose_headers: ['x seed'] }, 'cors.expose_headers.0: an HTTP header name like "x-sdxl-seed"'],
    [{ allow_origins: ['https://a.example.com'], max_age: 100_000 }, 'cors.max_age: at most 86400 seconds'],
  ])('refuses %j', (cors, message) => {
    expect(() => decorate(cors)).toThrow(`Invalid options for service Cors: ${message}`);
  });
});
