import { INTERNAL_TOKEN_ENV as WIRE_TOKEN_ENV } from '../wire/internal-route';
import { INTERNAL_TOKEN_ENV } from './env-names';

it('the internal token variable is the one the server reads', () => {
  expect(INTERNAL_TOKEN_ENV).toBe(WIRE_TOKEN_ENV);
});
