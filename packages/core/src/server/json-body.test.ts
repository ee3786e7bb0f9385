import { Tensor } from '../sdk/tensor';
import { toJsonBody } from './json-body';

describe('toJsonBody', () => {
  it('writes a float16 tensor as the numbers its bit patterns stand for', () => {
    const y = {
      dtype: 'float16',
      shape: [4],
      data: new Uint16Array([0x3800, 0x3c00, 0x7bff, 0x0001]),
    };
    expect(toJsonBody({ y })).toBe(
      `{"y":{"dtype":"float16","shape":[4],"data":[0.5,1,65504,${2 ** -24}]}}`,
    );
  });

  it('round-trips every finite float16 through JSON and Tensor() bit for bit (-0 aside: JSON writes it 0)', () => {
    const finite = Array.from({ length: 0x10000 }, (_, bits) => bits).filter(
      (bits) => (bits & 0x7c00) !== 0x7c00 && bits !== 0x8000,
    );
    const sent = {
      dtype: 'float16' as const,
      shape: [finite.length],
      data: Uint16Array.from(finite),
    };
    const received = Tensor({ dtype: 'float16' }).parse(JSON.parse(toJsonBody(sent) as string));
    expect(received.shape).toEqual(sent.shape);
    expect(Buffer.from(received.data.buffer).equals(Buffer.from(sent.data.buffer))).toBe(true);
  });

  it('writes other tensors and TypedArrays element for element, bigints as strings', () => {
    const value = {
      t: { dtype: 'int64', shape: [2], data: new BigInt64Array([-1n, 2n ** 62n]) },
      raw: new Uint16Array([0x3c00]),
    };
    expect(JSON.parse(toJsonBody(value) as string)).toEqual({
      t: { dtype: 'int64', shape: [2], data: ['-1', String(2n ** 62n)] },
      raw: [0x3c00],
    });
  });
});
