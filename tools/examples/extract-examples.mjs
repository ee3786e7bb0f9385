// Finds the TypeScript examples of a Markdown file: every ```ts (or ```typescript) fenced block.
// A block whose info string says `fragment` (```ts fragment) is a piece of code that cannot
// compile alone and is skipped. A block whose first line is a `// name.ts` comment is that file,
// so a later block of the same document can import it (`import type { Describe } from './service'`).

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)\s*(.*)$/;
const FILE_NAME_COMMENT = /^\s*\/\/\s*([\w.-]+\.ts)\s*$/;

/**
 * @param {string} markdown
 * @returns {Array<{ line: number, code: string, fileName?: string, skipped: boolean }>}
 *   `line`: the 1-based line of the block's first code line in the Markdown file.
 */
export function extractExamples(markdown) {
  const lines = markdown.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, , fence, language, rest] = open;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !lines[end].trim().startsWith(fence)) end++;
    i = end;
    if (language !== 'ts' && language !== 'typescript') continue;
    const code = lines.slice(start, end).join('\n');
    const fileName = FILE_NAME_COMMENT.exec(lines[start] ?? '')?.[1];
    blocks.push({ line: start + 1, code, fileName, skipped: rest.split(/\s+/).includes('fragment') });
  }
  return blocks;
}
