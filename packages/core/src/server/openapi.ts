import { BUILT_IN_ROUTES } from '../sdk/built-in-routes';
import { z } from 'zod';
import type { ApiDefinition, Schema, ServiceDefinition } from '../sdk/definition';
import { ioKindOf, type IoKind } from '../sdk/io-kind';
import { DEADLINE_HEADER, MAX_DEADLINE_MS, NOT_STARTED_HEADER } from '../wire/deadline-header';
import { SAFE_REQUEST_ID } from './request-id';

type JsonSchema = Record<string, unknown>;
type Encoding = 'json' | 'multipart';

/** How an IO type is written in JSON bodies and in multipart bodies. */
function ioJsonSchema(kind: IoKind, encoding: Encoding): JsonSchema {
  if (kind.kind === 'image') {
    return encoding === 'multipart'
      ? { type: 'string', contentMediaType: 'image/*', description: 'A PNG, JPEG or WebP image file' }
      : { type: 'string', contentEncoding: 'base64', contentMediaType: 'image/*', description: 'A PNG, JPEG or WebP image, base64 or as a data URL' };
  }
  const shape = kind.shape ? ` of shape [${kind.shape.join(', ')}] (-1: any size)` : '';
  const description = `A ${kind.dtype} tensor${shape}`;
  if (encoding === 'multipart') {
    return { type: 'string', contentMediaType: 'application/octet-stream', description: `${description}: raw little-endian bytes; give the shape as "; shape=2,3" in the part's Content-Type` };
  }
  return {
    description: `${description}: nested arrays, or { dtype, shape, data }`,
    oneOf: [
      { type: 'array' },
      {
        type: 'object',
        properties: { dtype: { const: kind.dtype }, shape: { type: 'array', items: { type: 'integer', minimum: 0 } }, data: { type: 'array' } },
        required: ['data'],
      },
    ],
  };
}

/** JSON Schema (2020-12, as OpenAPI 3.1 uses) of a zod schema, with IO types described for `encoding`. */
export function toJsonSchema(schema: Schema, io: 'input' | 'output', encoding: Encoding): JsonSchema {
  const json = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
    override(ctx) {
      const kind = ioKindOf(ctx.zodSchema);
      if (!kind) return;
      for (const key of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as JsonSchema)[key];
      Object.assign(ctx.jsonSchema, ioJsonSchema(kind, encoding));
    },
  }) as JsonSchema;
  delete json.$schema;
  return json;
}

const ERROR_RESPONSES: Record<string, string> = {
  '400': 'The input does not match the schema, or the body cannot be read',
  '413': 'The body is larger than the server accepts',
  '415': 'The content type is not JSON or multipart/form-data',
  '429': 'The service is at its max_concurrency (and its queue, if it has one, is full); retry after Retry-After seconds',
  '500': 'The service failed; the details carry the request id',
  '502': 'A dependency refused the call for a reason of the deployment (token, size, media type); the detail is in the logs',
  '503': 'The service or one of its dependencies is unavailable',
  '504': 'The request ran longer than traffic.timeout, or than the x-bento-deadline-ms it came with',
};

/** Headers a caller may send with any API call (see docs/distributed-services.md#retries-and-deadlines). */
const REQUEST_HEADERS = [
  {
    name: DEADLINE_HEADER,
    in: 'header',
    required: false,
    description:
      'The milliseconds the caller has left: the service runs the call for at most that long (or its traffic.timeout, if shorter), ' +
      'answers 504 after, and 504 at once for 0. A value that is not one whole number gives 400.',
    schema: { type: 'integer', minimum: 0, maximum: MAX_DEADLINE_MS },
  },
  {
    name: 'x-request-id',
    in: 'header',
    required: false,
    description: 'An id for this request, echoed in the answer and the logs; one is made when absent or not 1-128 letters, digits and "_-.:"',
    schema: { type: 'string', pattern: SAFE_REQUEST_ID.source },
  },
];

const REQUEST_ID_HEADER = { description: "The request's id, as given or made", schema: { type: 'string' } };
const NOT_STARTED = {
  description: '"1" when the answer came before the method ran (starting, draining, at max_concurrency, queued past the timeout): sending the request again cannot run the method twice',
  schema: { const: '1' },
};
/** Headers on error answers, beyond x-request-id: which statuses may say the method never ran. */
const ERROR_HEADERS: Record<string, Record<string, unknown>> = {
  '429': { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 0 } }, [NOT_STARTED_HEADER]: NOT_STARTED },
  '503': { [NOT_STARTED_HEADER]: NOT_STARTED },
  '504': { [NOT_STARTED_HEADER]: NOT_STARTED },
};

function errorResponses(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [status, description] of Object.entries(ERROR_RESPONSES)) {
    out[status] = {
      description,
      headers: { 'x-request-id': REQUEST_ID_HEADER, ...ERROR_HEADERS[status] },
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return out;
}

/** A streaming API's answer: server-sent events, one per yielded value (see server/sse-sink.ts). */
function streamResponse(api: ApiDefinition): Record<string, unknown> {
  const item = api.output ? toJsonSchema(api.output, 'output', 'json') : {};
  return {
    description:
      'A stream of server-sent events: one event per value the API yields (`id: n`, `data:` the value as JSON; images as PNG data URLs), ' +
      'then `event: result` with the return value, or `event: error` with the usual error body and its `status`. ' +
      'Errors before the first value are answered as plain JSON errors with their status.',
    // OpenAPI 3.1 has no field for the schema of each event (3.2's itemSchema): an extension says it.
    content: { 'text/event-stream': { schema: { type: 'string' }, 'x-bento-item-schema': item } },
  };
}

function successResponse(api: ApiDefinition): Record<string, unknown> {
  if (api.streaming) return streamResponse(api);
  if (api.output && ioKindOf(api.output)?.kind === 'image') {
    const binary = { type: 'string', contentMediaType: 'image/png' };
    return { description: 'The resulting image (PNG by default; JPEG or WebP by Accept)', content: { 'image/png': { schema: binary }, 'image/jpeg': { schema: binary }, 'image/webp': { schema: binary } } };
  }
  const schema = api.output ? toJsonSchema(api.output, 'output', 'json') : {};
  return { description: 'The result', content: { 'application/json': { schema } } };
}

function operation(api: ApiDefinition): Record<string, unknown> {
  const requestBody = api.input
    ? {
        required: true,
        content: {
          'application/json': { schema: toJsonSchema(api.input, 'input', 'json') },
          'multipart/form-data': { schema: toJsonSchema(api.input, 'input', 'multipart') },
        },
      }
    : { content: { 'application/json': { schema: { type: 'object' } } } };
  return {
    operationId: api.name,
    summary: api.doc?.split('\n')[0] ?? api.name,
    ...(api.doc ? { description: api.doc } : {}),
    'x-bento-method': api.method,
    ...(api.streaming ? { 'x-bento-streaming': true } : {}),
    // Callers may send several rows per call; the server merges calls (see docs/batching.md).
    ...(api.batching ? { 'x-bento-batchable': api.batching } : {}),
    parameters: REQUEST_HEADERS,
    requestBody,
    responses: { '200': { ...successResponse(api), headers: { 'x-request-id': REQUEST_ID_HEADER } }, ...errorResponses() },
  };
}

function probe(description: string): Record<string, unknown> {
  return { get: { summary: description, responses: { '200': { description: 'OK' }, '503': { description: 'Not ready' } } } };
}

/** The OpenAPI 3.1 document of a service, generated from its APIs' zod schemas. */
export function buildOpenApiDocument(definition: ServiceDefinition, version = '0.0.0'): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const api of definition.apis) paths[api.route] = { post: operation(api) };
  for (const route of ['/livez', '/readyz', '/healthz'] as const) paths[route] = probe(BUILT_IN_ROUTES[route]);
  paths['/metrics'] = { get: { summary: BUILT_IN_ROUTES['/metrics'], responses: { '200': { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } } } } };
  return {
    openapi: '3.1.0',
    info: { title: definition.name, version, ...(definition.options.description ? { description: definition.options.description } : {}) },
    paths,
    components: {
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
            },
          },
        },
      },
    },
  };
}
