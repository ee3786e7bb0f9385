import type { z } from 'zod';

/** One validation problem, as it appears in an error's `details`. */
export interface IssueDetail {
  /** Dotted path of the offending value, e.g. `params.num_inference_steps`. */
  path: string;
  message: string;
  code: string;
}

/** Joins a zod path into the dotted form users see (`a.b[2].c` is written `a.b.2.c`). */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((part) => String(part)).join('.');
}

/** Flattens a zod error into `{ path, message, code }` entries. */
export function issueDetails(error: z.ZodError): IssueDetail[] {
  return error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
    code: issue.code,
  }));
}

/** One line per issue, `path: message`, for errors raised at definition or load time. */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => {
      const path = formatPath([...(prefix ? [prefix] : []), ...issue.path]);
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}
