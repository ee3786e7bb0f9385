/** What went wrong in a page that a user would not see: script errors and refused resources. */
import type { Page } from 'playwright-core';

/**
 * Starts collecting a page's problems: uncaught errors, console errors, and Content-Security-Policy
 * violations (which the page's strict policy makes of any inline script or foreign resource).
 * HTTP errors the page asked for and shows (a 400 from the API) are not problems.
 */
export async function watchPage(page: Page): Promise<{ problems: string[] }> {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource: the server responded with a status of')) {
      problems.push(`console: ${message.text()}`);
    }
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`));
  });
  return { problems };
}
