import { execFileSync } from 'node:child_process';
import { z } from 'zod';
import { api } from '../sdk/api';
import { getServiceDefinition } from '../sdk/definition';
import { Image } from '../sdk/image';
import { service } from '../sdk/service';
import { Tensor } from '../sdk/tensor';
import { buildOpenApiDocument } from './openapi';

@service({ name: 'Documented', description: 'A service for the docs' })
class Documented {
  @api({ input: z.object({ image: Image(), params: z.object({ prompt: z.string().min(1), steps: z.number().int().default(25) }) }), doc: 'Describes an image\nLonger text' })
  async describe() {
    return {};
  }

  @api({ input: z.object({ x: Tensor({ dtype: 'float32', shape: [-1, 3] }) }), output: z.object({ sum: z.number() }), route: '/v1/sum', name: 'total' })
  async sum() {
    return { sum: 0 };
  }

  @api({ output: Image() })
  async blank() {
    return null;
  }
}

/**
 * Validates with @seriousme/openapi-schema-validator in a child node: the validator is an ES module,
 * which Jest's CommonJS runtime cannot load.
 */
function validateOpenApi(document: unknown): { valid: boolean; errors?: unknown } {
  const script = `import { Validator } from '@seriousme/openapi-schema-validator';
    let text = ''; for await (const chunk of process.stdin) text += chunk;
    const result = await new Validator().validate(JSON.parse(text));
    process.stdout.write(JSON.stringify({ valid: result.valid, version: new Validator().version, errors: result.errors }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { input: JSON.stringify(document), cwd: __dirname });
  return JSON.parse(out.toString()) as { valid: boolean; errors?: unknown };
}

type Doc = {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Record<string, any>>>; // eslint-disable-line @typescript-eslint/no-explicit-any
};

describe('buildOpenApiDocument', () => {
  const doc = buildOpenApiDocument(getServiceDefinition(Documented), '1.2.3') as Doc;

  it('is a valid OpenAPI 3.1 document', () => {
    const result = validateOpenApi(doc);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toEqual({ title: 'Documented', version: '1.2.3', description: 'A service for the docs' });
  });

  it('lists every API route as a POST and the probes as GETs', () => {
    expect(Object.keys(doc.paths).sort()).toEqual(['/blank', '/describe', '/healthz', '/livez', '/metrics', '/readyz', '/v1/sum']);
    expect(doc.paths['/v1/sum']!.post!.operationId).toBe('total');
    expect(doc.paths['/v1/sum']!.post!['x-bento-method']).toBe('sum');
    expect(doc.paths['/describe']!.post!.summary).toBe('Describes an image');
    expect(doc.paths['/describe']!.post!.description).toBe('Describes an image\nLonger text');
    expect(doc.paths['/livez']!.get).toBeDefined();
  });

  it('describes an image as a file in multipart and as base64 in JSON', () => {
    const body = doc.paths['/describe']!.post!.requestBody.content;
    expect(body['multipart/form-data'].schema.properties.image).toMatchObject({ type: 'string', contentMediaType: 'image/*' });
    expect(body['application/json'].schema.properties.image).toMatchObject({ type: 'string', contentEncoding: 'base64' });
    expect(body['application/json'].schema.properties.params.properties.prompt).toMatchObject({ type: 'string', minLength: 1 });
    expect(body['application/json'].schema.required).toEqual(['image', 'params']);
  });

  it('describes a tensor with its dtype and shape', () => {
    const body = doc.paths['/v1/sum']!.post!.requestBody.content;
    expect(body['application/json'].schema.properties.x.description).toContain('A float32 tensor of shape [-1, 3]');
    expect(body['multipart/form-data'].schema.properties.x.contentMediaType).toBe('application/octet-stream');
  });

  it('gives the output schema, image outputs as image types, and the error shape for errors', () => {
    expect(doc.paths['/v1/sum']!.post!.responses['200'].content['application/json'].schema).toMatchObject({ type: 'object', properties: { sum: { type: 'number' } } });
    expect(Object.keys(doc.paths['/blank']!.post!.responses['200'].content)).toEqual(['image/png', 'image/jpeg', 'image/webp']);
    for (const status of ['400', '413', '415', '429', '500', '504']) {
      expect(doc.paths['/describe']!.post!.responses[status].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    }
  });

  it('lists the deadline and request-id headers a caller may send, and the headers of the answers', () => {
    const post = doc.paths['/describe']!.post!;
    const parameters = Object.fromEntries((post.parameters as { name: string; schema: { pattern: string } }[]).map((p) => [p.name, p]));
    expect(parameters['x-bento-deadline-ms']).toMatchObject({ in: 'header', required: false, schema: { type: 'integer', minimum: 0, maximum: 2 ** 31 - 1 } });
    expect(parameters['x-request-id']).toMatchObject({ in: 'header', required: false });
    // The pattern is the one the server keeps ids by.
    const pattern = new RegExp(parameters['x-request-id'].schema.pattern);
    expect(['req-1.a:b', 'x'.repeat(128)].every((id) => pattern.test(id))).toBe(true);
    expect(['', 'a b', 'x'.repeat(129)].some((id) => pattern.test(id))).toBe(false);
    expect(Object.keys(post.responses['429'].headers).sort()).toEqual(['Retry-After', 'x-bento-not-started', 'x-request-id']);
    expect(Object.keys(post.responses['503'].headers).sort()).toEqual(['x-bento-not-started', 'x-request-id']);
    expect(Object.keys(post.responses['500'].headers)).toEqual(['x-request-id']);
    expect(Object.keys(post.responses['200'].headers)).toEqual(['x-request-id']);
  });
});
