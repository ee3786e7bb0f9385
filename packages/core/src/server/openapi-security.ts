import { API_KEY_HEADER } from './api-keys';

/**
 * Marks an OpenAPI document's API operations as needing an API key: the two ways to send one as
 * `components.securitySchemes` (bearer, and the `X-API-Key` header), `security` and a 401 answer on
 * each API (the probes, /metrics and the docs stay open). Only the schemes: never a key.
 */
export function withApiKeySecurity(document: Record<string, unknown>): Record<string, unknown> {
  const components = (document.components ??= {}) as Record<string, unknown>;
  components.securitySchemes = {
    bearerAuth: { type: 'http', scheme: 'bearer', description: 'One of the service\'s API keys: "Authorization: Bearer <key>"' },
    apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'One of the service\'s API keys, in the X-API-Key header' },
  };
  for (const item of Object.values(document.paths as Record<string, Record<string, Record<string, unknown>>>)) {
    const post = item.post;
    // APIs are the POST operations; the built-in routes are GETs.
    if (!post) continue;
    post.security = [{ bearerAuth: [] }, { apiKeyHeader: [] }];
    (post.responses as Record<string, unknown>)['401'] = {
      description: `No API key, or a wrong one (send "Authorization: Bearer <key>" or "${API_KEY_HEADER}: <key>")`,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return document;
}
