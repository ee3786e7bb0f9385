/**
 * The variables a rendered deployment sets for each service. Their names are the runtime's
 * (`runtime/service-map.ts`, `wire/internal-route.ts`); the token's is repeated here because
 * deploy/ sits above runtime/ but not above wire/ (env-names.test.ts keeps them equal).
 */
export { SERVICE_MAP_ENV } from '../runtime/service-map';
export { CONFIG_OVERRIDES_ENV } from '../runtime/config-overrides';
export const INTERNAL_TOKEN_ENV = 'BENTO_INTERNAL_TOKEN';
