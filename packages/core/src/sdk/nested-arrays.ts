/**
 * Nested JSON arrays as a tensor sees them: a shape read along the first elements, checked to be
 * rectangular, and the elements visited in row-major order. Every walk here is a loop, never a
 * recursion, so hostile nesting (100,000 levels deep) costs a few steps and cannot overflow the stack.
 */

/** The most dimensions a tensor given as nested arrays may have; more is refused, not walked. */
export const MAX_DIMS = 32;

/** How many elements a tensor of `shape` holds (1 for the scalar shape []). */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** What is wrong in nested arrays, and where: indices from the outermost array in. */
export interface NestedProblem {
  path: number[];
  message: string;
}

/** A short description of a received value for a message (never the whole value). */
export function describeElement(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function notRectangular(path: readonly number[], expected: string, value: unknown): NestedProblem {
  return {
    path: [...path],
    message: `nested arrays are not rectangular: expected ${expected} but received ${describeElement(value)}`,
  };
}

/**
 * Calls `visit` for each innermost array (a "row"), in row-major order, with the indices that lead
 * to it, after checking that every array on the way has the length `shape` gives. `shape` has at
 * least one dimension, and its first is the length of `value`, an array.
 */
function forEachRow(
  value: unknown[],
  shape: readonly number[],
  visit: (row: unknown[], path: readonly number[]) => NestedProblem | undefined,
): NestedProblem | undefined {
  const rowDepth = shape.length - 1;
  if (rowDepth === 0) return visit(value, []);
  // `open[d]` is the array being walked at depth d, and `path[d]` the index reached in it.
  const open: unknown[][] = [value];
  const path: number[] = [0];
  while (open.length > 0) {
    const depth = open.length - 1;
    const node = open[depth]!;
    const index = path[depth]!;
    if (index === node.length) {
      open.pop();
      path.pop();
      if (depth > 0) path[depth - 1]!++;
      continue;
    }
    const child = node[index];
    const length = shape[depth + 1]!;
    if (!Array.isArray(child) || child.length !== length)
      return notRectangular(path, `an array of length ${length}`, child);
    if (depth + 1 < rowDepth) {
      open.push(child);
      path.push(0);
    } else {
      const problem = visit(child, path);
      if (problem) return problem;
      path[depth]!++;
    }
  }
  return undefined;
}

/**
 * The shape of nested arrays: the lengths met going down the first elements, then checked against
 * every other array, so that the element count it implies is one the value really holds (a small
 * hostile body cannot make a large allocation). A value that is not an array has shape [].
 */
export function nestedShape(value: unknown): number[] | NestedProblem {
  const shape: number[] = [];
  for (let probe = value; Array.isArray(probe); probe = probe[0]) {
    if (shape.length === MAX_DIMS) {
      return {
        path: [],
        message: `nested arrays have more than ${MAX_DIMS} dimensions (at most ${MAX_DIMS} are supported)`,
      };
    }
    shape.push(probe.length);
  }
  if (shape.length === 0) return shape;
  return forEachRow(value as unknown[], shape, () => undefined) ?? shape;
}

/**
 * Calls `visit` with each element of nested arrays of shape `shape` (from `nestedShape`) and its
 * row-major index. `visit` returns why an element is refused, or undefined to go on. An element
 * that is itself an array is refused here: the first element said the nesting ends one level up.
 */
export function forEachElement(
  value: unknown,
  shape: readonly number[],
  describeExpected: string,
  visit: (element: unknown, index: number) => string | undefined,
): NestedProblem | undefined {
  if (shape.length === 0) {
    const why = visit(value, 0);
    return why === undefined ? undefined : { path: [], message: why };
  }
  let index = 0;
  return forEachRow(value as unknown[], shape, (row, rowPath) => {
    for (let i = 0; i < row.length; i++) {
      const element = row[i];
      if (Array.isArray(element)) return notRectangular([...rowPath, i], describeExpected, element);
      const why = visit(element, index++);
      if (why !== undefined) return { path: [...rowPath, i], message: why };
    }
    return undefined;
  });
}
