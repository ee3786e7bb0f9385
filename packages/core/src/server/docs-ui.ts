import express, { type Router } from 'express';
import path from 'node:path';
import { UI_SECURITY_HEADERS } from './static-ui';

function page(title: string): string {
  const safeTitle = title.replace(/[<>&"]/g, '');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${safeTitle} — API docs</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;
}

/** The folder of the installed swagger-ui-dist. Resolved, not required: its main module loads the whole 1.5 MB bundle. */
function swaggerUiFolder(): string {
  return path.dirname(require.resolve('swagger-ui-dist/package.json'));
}

/** Starts Swagger UI: a file of its own, so the page's policy can refuse every inline script. */
const INIT_SCRIPT = "window.ui = SwaggerUIBundle({ url: '/docs.json', dom_id: '#swagger-ui' });\n";

/**
 * The page's headers: the web page's (static-ui.ts), with inline styles allowed — Swagger UI sets
 * style attributes as it renders — and nothing else relaxed: scripts only from this service.
 */
const DOCS_HEADERS: Readonly<Record<string, string>> = {
  ...UI_SECURITY_HEADERS,
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
};

/** Swagger UI at /docs, its assets served from the installed swagger-ui-dist package (no CDN), with security headers. */
export function docsUiRouter(title: string): Router {
  const router = express.Router();
  const html = page(title);
  router.use('/docs', (_req, res, next) => {
    res.set(DOCS_HEADERS);
    next();
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(html);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.type('text/javascript').send(INIT_SCRIPT);
  });
  router.use('/docs/assets', express.static(swaggerUiFolder(), { index: false, maxAge: '1h' }));
  return router;
}
