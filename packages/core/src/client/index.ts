/** `@bento/core/client`: the typed HTTP client alone, for code that calls services but serves none. */
export { createClient } from './create-client';
export type { Client, ClientOptions, ClientControls } from './create-client';
export type { ClientCallOptions } from './call-options';
export { RemoteError, BentoError } from '../errors';
