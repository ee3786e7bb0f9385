/**
 * A small ONNX graph builder over onnx-proto: declare inputs/outputs with symbolic dims, add
 * initializers and nodes, encode. Graph code is written in float32; for a float16 model the builder
 * declares the float inputs/outputs as float16 and casts at the edges, the way a mixed-precision
 * export keeps fp16 IO around an fp32 core.
 */
import { onnx } from 'onnx-proto';

/** One dimension: a number, or a symbolic name written as the ValueInfo's dimParam. */
export type Dim = number | string;

/** Element types the demo models use at their edges. */
export type IoType = 'float' | 'float32' | 'int64';

/** Attribute values this builder knows how to write. */
export type AttrValue = number | string | number[] | { float: number } | { floats: number[] };

/** ONNX element type codes (for Cast's `to`). */
export const DataType = onnx.TensorProto.DataType;
const AttrType = onnx.AttributeProto.AttributeType;

function valueInfo(name: string, elemType: number, dims: readonly Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: {
          dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  };
}

function attribute(name: string, value: AttrValue): onnx.IAttributeProto {
  if (typeof value === 'string') {
    return { name, type: AttrType.STRING, s: Buffer.from(value, 'utf8') };
  }
  if (typeof value === 'number') return { name, type: AttrType.INT, i: value };
  if (Array.isArray(value)) return { name, type: AttrType.INTS, ints: value };
  if ('float' in value) return { name, type: AttrType.FLOAT, f: value.float };
  return { name, type: AttrType.FLOATS, floats: value.floats };
}

/** Builds one graph; `encode()` gives the bytes of a model file. */
export class GraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private counter = 0;

  /** @param float16 - declare the `'float'` inputs/outputs as float16 (computation stays float32). */
  constructor(
    private readonly name: string,
    private readonly float16: boolean,
  ) {}

  /** A fresh internal tensor name. */
  private fresh(hint: string): string {
    this.counter += 1;
    return `${hint}_${this.counter}`;
  }

  /**
   * Declares a graph input and returns the name graph code should read: the input itself, or a
   * float32 cast of it when a `'float'` input is declared float16.
   */
  input(name: string, type: IoType, dims: readonly Dim[]): string {
    if (type === 'int64') {
      this.inputs.push(valueInfo(name, DataType.INT64, dims));
      return name;
    }
    if (type === 'float32' || !this.float16) {
      this.inputs.push(valueInfo(name, DataType.FLOAT, dims));
      return name;
    }
    this.inputs.push(valueInfo(name, DataType.FLOAT16, dims));
    return this.node('Cast', [name], { to: DataType.FLOAT }, `${name}_f32`);
  }

  /** Declares `value` (a float32 tensor of the graph) as the output `name`. */
  output(name: string, value: string, dims: readonly Dim[]): void {
    if (this.float16) {
      this.nodes.push({
        opType: 'Cast',
        input: [value],
        output: [name],
        attribute: [attribute('to', DataType.FLOAT16)],
      });
      this.outputs.push(valueInfo(name, DataType.FLOAT16, dims));
    } else {
      this.nodes.push({ opType: 'Identity', input: [value], output: [name] });
      this.outputs.push(valueInfo(name, DataType.FLOAT, dims));
    }
  }

  /** A float32 constant tensor. */
  floats(hint: string, data: ArrayLike<number>, dims: readonly number[]): string {
    const values = Float32Array.from(data);
    if (values.length !== dims.reduce((a, b) => a * b, 1)) {
      throw new RangeError(`${hint}: ${values.length} values for dims [${dims.join(',')}]`);
    }
    const name = this.fresh(hint);
    this.initializers.push({
      name,
      dataType: DataType.FLOAT,
      dims: [...dims],
      rawData: new Uint8Array(values.buffer),
    });
    return name;
  }

  /** An int64 constant tensor. */
  ints(hint: string, data: readonly number[], dims: readonly number[] = [data.length]): string {
    const name = this.fresh(hint);
    const values = BigInt64Array.from(data.map((v) => BigInt(v)));
    this.initializers.push({
      name,
      dataType: DataType.INT64,
      dims: [...dims],
      rawData: new Uint8Array(values.buffer),
    });
    return name;
  }

  /** A float32 scalar constant (shape []). */
  scalar(hint: string, value: number): string {
    return this.floats(hint, [value], []);
  }

  /** Adds a node with one output and returns that output's name. */
  node(
    opType: string,
    inputs: readonly string[],
    attrs: Record<string, AttrValue> = {},
    hint = opType.toLowerCase(),
  ): string {
    const output = this.fresh(hint);
    this.nodes.push({
      opType,
      input: [...inputs],
      output: [output],
      attribute: Object.entries(attrs).map(([key, value]) => attribute(key, value)),
    });
    return output;
  }

  /** The encoded model: IR 8, opset 17. */
  encode(): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'bento demo-model',
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
