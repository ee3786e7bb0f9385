// Golden list of the public API: changing it must be a visible decision in review.
import * as core from './index';
import * as client from './client/index';

describe('public API', () => {
  it('@bento/core exports exactly these names', () => {
    expect(Object.keys(core).sort()).toEqual([
      'BadGatewayError', 'BadRequestError', 'BentoError', 'BentofileSchema', 'ConfigError', 'DEFAULT_MAX_BODY_SIZE', 'DEFAULT_MAX_JSON_BODY_SIZE', 'DTYPES', 'DeploymentConfigSchema', 'DeploymentError', 'Image',
      'InternalError', 'MethodNotAllowedError', 'NotFoundError', 'PayloadTooLargeError', 'RemoteError', 'ServiceServer',
      'ServiceUnavailableError', 'StartupError', 'Tensor', 'TimeoutError', 'TooManyRequestsError', 'UnauthorizedError',
      'UnsupportedMediaTypeError', 'ValidationError', 'api', 'applyToCluster', 'buildBento', 'buildServiceGraph', 'createClient', 'createLogger', 'decodeImage', 'depends', 'deployment',
      'encodeImage', 'getServiceDefinition', 'graphManifest', 'isImage', 'isServiceClass', 'isTensor', 'loadServiceTarget', 'readBentofile',
      'readDeploymentConfig', 'renderDeployment', 'serve', 'service', 'toBentoError',
    ]);
  });

  it('@bento/core/client exports exactly these names', () => {
    expect(Object.keys(client).sort()).toEqual(['BentoError', 'RemoteError', 'createClient']);
  });
});
