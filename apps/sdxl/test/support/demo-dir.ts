/**
 * Temp folders holding a generated demo model, and edits of its ONNX files for refusal tests.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import { generateDemoModel, type DemoModelOptions } from '../../../../tools/demo-model/generate';

/** A fresh temp folder (remove it with `rmSync(dir, { recursive: true })`). */
export function tempDir(prefix = 'sdxl-demo-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Generates a demo model into a fresh temp folder. */
export function generateTempDemoModel(options: DemoModelOptions = {}): string {
  const dir = tempDir();
  generateDemoModel(dir, options);
  return dir;
}

/** Removes a folder made by this module. */
export function removeDir(dir: string | undefined): void {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}

/** Decodes `file`, lets `edit` change the model, writes it back. */
export function editModel(file: string, edit: (model: onnx.ModelProto) => void): void {
  const model = onnx.ModelProto.decode(readFileSync(file));
  edit(model);
  writeFileSync(file, onnx.ModelProto.encode(model).finish());
}

/** The graph's lists (onnx-proto types every field optional). */
function graphOf(model: onnx.ModelProto) {
  const graph = model.graph;
  if (!graph) throw new Error('The model has no graph');
  return {
    inputs: graph.input ?? [],
    nodes: graph.node ?? [],
    initializers: graph.initializer ?? [],
  };
}

/** Renames a graph input everywhere it is read. */
export function renameInput(model: onnx.ModelProto, from: string, to: string): void {
  const { inputs, nodes } = graphOf(model);
  const input = inputs.find((i) => i.name === from);
  if (!input) throw new Error(`No input ${from}`);
  input.name = to;
  for (const node of nodes)
    node.input = (node.input ?? []).map((name) => (name === from ? to : name));
}

/** The dims of a graph input, to edit in place. */
export function inputDims(
  model: onnx.ModelProto,
  name: string,
): onnx.TensorShapeProto.IDimension[] {
  const dims = graphOf(model).inputs.find((i) => i.name === name)?.type?.tensorType?.shape?.dim;
  if (!dims) throw new Error(`No input ${name} with a shape`);
  return dims;
}

/** The initializer whose name starts with `prefix` (the generator numbers its names). */
export function initializer(model: onnx.ModelProto, prefix: string): onnx.ITensorProto {
  const found = graphOf(model).initializers.find((t) => t.name?.startsWith(prefix));
  if (!found) throw new Error(`No initializer ${prefix}…`);
  return found;
}
