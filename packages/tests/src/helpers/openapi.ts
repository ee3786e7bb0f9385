import { execFileSync } from 'node:child_process';

/**
 * Validates an OpenAPI document with @seriousme/openapi-schema-validator (`new Validator().validate(doc)`).
 * It runs in a child node because the validator is an ES module, which Jest's CommonJS runtime cannot load.
 */
export function validateOpenApi(document: unknown): { valid: boolean; version: string; errors?: unknown } {
  const script = `import { Validator } from '@seriousme/openapi-schema-validator';
    let text = ''; for await (const chunk of process.stdin) text += chunk;
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(text));
    process.stdout.write(JSON.stringify({ valid: result.valid, version: validator.version, errors: result.errors }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { input: JSON.stringify(document), cwd: __dirname });
  return JSON.parse(out.toString()) as { valid: boolean; version: string; errors?: unknown };
}
