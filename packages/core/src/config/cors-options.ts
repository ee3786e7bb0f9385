import { z } from 'zod';

/** Whether `value` is an origin as browsers send it: scheme, host and port only, lower case, no default port. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}

const Origin = z
  .string()
  .refine(isOrigin, {
    error: (issue) =>
      `${JSON.stringify(issue.input)} is not an origin as browsers send it: expected scheme, lower-case host and port, no path, no trailing slash, no default port, like "https://app.example.com" or "http://localhost:5173"`,
  });

/** An HTTP header name (a token). */
const HeaderName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'an HTTP header name like "x-sdxl-seed"');

const Method = z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'], { error: 'an HTTP method in upper case: GET, HEAD, POST, PUT, PATCH or DELETE' });

/**
 * Cross-origin access for web pages served from other origins (`@service({ cors })`). Off when
 * absent: no CORS headers at all, so browsers keep other origins' pages from reading answers.
 */
export const CorsSchema = z
  .strictObject({
    /** Origins whose pages may call the service, or `'*'` for any. */
    allow_origins: z.union([z.literal('*'), z.array(Origin).min(1, 'at least one origin (or "*" for any)')], {
      error: 'a list of origins like ["https://app.example.com"], or "*" for any origin',
    }),
    /** Methods a preflight allows; default GET and POST (every API is a POST). */
    allow_methods: z.array(Method).min(1).optional(),
    /** Request headers a preflight allows, besides the ones Bento reads (authorization, content-type, x-api-key, x-request-id, traceparent). */
    allow_headers: z.array(HeaderName).optional(),
    /** Response headers the page may read, besides x-request-id and x-bento-error-service (e.g. an API's `x-sdxl-seed`). */
    expose_headers: z.array(HeaderName).optional(),
    /** Whether the page may send credentials (cookies, HTTP auth); never with `'*'`. Default false. */
    allow_credentials: z.boolean().default(false),
    /** Seconds a browser may cache a preflight's answer. Default 600. */
    max_age: z.number().int().nonnegative().max(86_400, 'at most 86400 seconds (a day; browsers cap it lower)').default(600),
  })
  .refine((cors) => !(cors.allow_origins === '*' && cors.allow_credentials), {
    message: 'allow_origins "*" cannot go with allow_credentials: true (browsers refuse it, and it would let any site act with the user\'s credentials); list the origins instead',
    path: ['allow_credentials'],
  });

/** What a user writes as `cors`. */
export type CorsOptions = z.input<typeof CorsSchema>;
/** `cors` after validation, with defaults filled in. */
export type ResolvedCorsOptions = z.output<typeof CorsSchema>;
