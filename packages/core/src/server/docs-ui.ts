import express, { type Router } from 'express';
import path from 'node:path';

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
  <script>window.ui = SwaggerUIBundle({ url: '/docs.json', dom_id: '#swagger-ui' });</script>
</body>
</html>
`;
}

/** The folder of the installed swagger-ui-dist. Resolved, not required: its main module loads the whole 1.5 MB bundle. */
function swaggerUiFolder(): string {
  return path.dirname(require.resolve('swagger-ui-dist/package.json'));
}

/** Swagger UI at /docs, its assets served from the installed swagger-ui-dist package (no CDN). */
export function docsUiRouter(title: string): Router {
  const router = express.Router();
  const html = page(title);
  router.get('/docs', (_req, res) => {
    res.type('html').send(html);
  });
  router.use('/docs/assets', express.static(swaggerUiFolder(), { index: false, maxAge: '1h' }));
  return router;
}
