/**
 * The public API of @bento/core. Everything a user may import is listed here by name; nothing
 * else is public. Adding a name is a decision: it becomes a promise to keep it working.
 */

// Defining services
export { service } from './sdk/service';
export { api } from './sdk/api';
export type { ApiInput } from './sdk/api-input';
export { depends } from './sdk/depends';
export type { Dependency, DependencySpec } from './sdk/depends';
export type { DependencyOptions, RetryOptions } from './sdk/dependency-retry';
export type { CallOptions } from './sdk/call-options';
export { buildServiceGraph } from './sdk/service-graph';
export type { ServiceGraph } from './sdk/service-graph';
export type { ServiceMethods } from './sdk/service-methods';
export type { ApiOptions, ApiDefinition, ServiceDefinition, ServiceClass } from './sdk/definition';
export type { BatchingOptions } from './sdk/batching-options';
export { isServiceClass, getServiceDefinition } from './sdk/definition';
export type { ServiceOptions, ResolvedServiceOptions } from './config/service-options';
export type { CorsOptions } from './config/cors-options';
export type { ApiContext, ApiResponseMetadata } from './sdk/api-context';
export type { ServiceLifecycle } from './sdk/lifecycle';

// IO types
export { Image, isImage, decodeImage, encodeImage } from './sdk/image';
export type { ImageOptions, ImageFormat, ImageInput } from './sdk/image';
export { Tensor, isTensor } from './sdk/tensor';
export type { TensorOptions, TensorInput } from './sdk/tensor';
export { DTYPES } from './wire/dtype';
export type { DType, TypedArrayOf } from './wire/dtype';

// Serving
export { serve } from './runtime/serve';
export type { ServeOptions, RunningService } from './runtime/serve';
export type { ServiceMap } from './runtime/service-map';
export { ServiceServer, DEFAULT_MAX_BODY_SIZE, DEFAULT_MAX_JSON_BODY_SIZE } from './server/create-server';
export type { ServerOptions } from './server/create-server';
export { loadServiceTarget } from './runtime/load-target';
export { createLogger } from './server/logger';
export type { Logger, LoggerOptions } from './server/logger';

// Calling services
export { createClient } from './client/create-client';
export type { Client, ClientOptions } from './client/create-client';
export type { ClientCallOptions } from './client/call-options';

// Config files
export { readBentofile, BentofileSchema } from './config/bentofile';
export type { Bentofile, BentofileDocker } from './config/bentofile';
export { readDeploymentConfig } from './config/read-deployment-config';
export { DeploymentConfigSchema } from './config/deployment-config';
export type { DeploymentConfig, ServiceDeploymentConfig } from './config/deployment-config';

// Deploying
export { graphManifest } from './deploy/graph-manifest';
export type { GraphManifest, ServiceManifest } from './deploy/graph-manifest';
export { renderDeployment } from './deploy/kubernetes/render';
export type { RenderDeploymentInput } from './deploy/kubernetes/render';
export type { RenderOptions } from './deploy/render-options';
export type { KubeObject } from './deploy/kubernetes/object';
export { deployment } from './deploy/deployment';
export type { CreateDeploymentInput } from './deploy/deployment';
export { applyToCluster } from './deploy/cluster/apply-to-cluster';
export type { ApplyOptions } from './deploy/cluster/apply-to-cluster';
export type { ClusterTarget } from './deploy/cluster/cluster-client';
export { DeploymentError } from './deploy/cluster/deploy-error';

// Building bentos
export { buildBento } from './deploy/bento/build-bento';
export type { BuildBentoOptions, BuiltBento } from './deploy/bento/build-bento';
export type { BentoInfo } from './deploy/bento/bento-store';
export type { BentoManifest } from './deploy/bento/bento-manifest';

// Errors
export {
  BentoError,
  BadGatewayError,
  ValidationError,
  BadRequestError,
  NotFoundError,
  MethodNotAllowedError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  TooManyRequestsError,
  ServiceUnavailableError,
  StartupError,
  TimeoutError,
  InternalError,
  RemoteError,
  UnauthorizedError,
  ConfigError,
  toBentoError,
} from './errors';
export type { ErrorBody } from './errors';
