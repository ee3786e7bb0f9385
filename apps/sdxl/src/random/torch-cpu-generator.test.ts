import { TorchCpuGenerator } from './torch-cpu-generator';

describe('TorchCpuGenerator', () => {
  it("reproduces llm.c's published torch sequence for seed 137 bit for bit (llmc/rand.h)", () => {
    // torch.manual_seed(137); five torch.randint(0, 0xFFFFFFFF, [1]); torch.zeros(8).normal_();
    // one randint; torch.zeros(16).normal_(); one randint.
    const generator = new TorchCpuGenerator(137);
    const draws = Array.from({ length: 5 }, () => generator.randint(0, 0xffffffff));
    expect(draws).toEqual([4053805790, 2173880614, 380293709, 1237255315, 2986595568]);

    expect(Array.from(generator.fillNormal(new Float32Array(8)))).toEqual([
      0.7947664260864258, 1.4369317293167114, -0.2292192131280899, 0.47556325793266296,
      -0.6334410905838013, -0.5791953802108765, -0.0925704762339592, -0.8659197092056274,
    ]);
    expect(generator.randint(0, 0xffffffff)).toBe(2186503452);

    expect(Array.from(generator.fillNormal(new Float32Array(16)))).toEqual([
      -1.2813878059387207, -2.646395683288574, -0.06569503247737885, 0.2180829495191574,
      -0.46536165475845337, -0.33108410239219666, 2.5485482215881348, 0.10425379872322083,
      0.8460659980773926, 0.9462448358535767, -0.2913765013217926, 0.34313806891441345,
      -1.1186704635620117, -0.18305328488349915, -2.3153159618377686, 0.3961987793445587,
    ]);
    expect(generator.randint(0, 0xffffffff)).toBe(2756748748);
  });

  it('keeps the second Box–Muller value across calls, and 64-bit draws for wide ranges', () => {
    // From torch 1.13.1 (AVX2): g = torch.Generator('cpu').manual_seed(2024); then in order
    // torch.empty(7).normal_(generator=g), torch.empty(5).normal_(generator=g),
    // torch.randint(-5, 2**40, [1], generator=g), torch.randint(10, 20, [1], generator=g),
    // torch.empty(3).normal_(1.5, 2.0, generator=g), torch.randn(20, generator=g).
    const generator = new TorchCpuGenerator(2024);
    expect(Array.from(generator.fillNormal(new Float32Array(7)))).toEqual([
      -0.040429167449474335, 1.7259920835494995, -0.8140387535095215, 1.372166633605957,
      0.5059648156166077, -0.4823373854160309, -0.785252571105957,
    ]);
    // The first of these five is the sine half left over from the seventh value above.
    expect(Array.from(generator.fillNormal(new Float32Array(5)))).toEqual([
      0.6680797934532166, -0.44394350051879883, 0.18883469700813293, 0.5986074209213257,
      0.6458128690719604,
    ]);
    expect(generator.randint(-5, 2 ** 40)).toBe(408583776021);
    expect(generator.randint(10, 20)).toBe(11);
    expect(Array.from(generator.fillNormal(new Float32Array(3), 1.5, 2))).toEqual([
      -0.49222877621650696, 3.13725209236145, -0.9731568098068237,
    ]);
    expect(Array.from(generator.fillNormal(new Float32Array(20)).subarray(0, 4))).toEqual([
      0.049839410930871964, 1.2883167266845703, -0.6490756869316101, -0.8969374299049377,
    ]);

    // manual_seed forgets the cached value and starts over.
    generator.manualSeed(2024);
    expect(generator.initialSeed()).toBe(2024);
    expect(generator.fillNormal(new Float32Array(1))[0]).toBe(-0.040429167449474335);
  });

  it("starts from torch's default seed when given none", () => {
    const generator = new TorchCpuGenerator();
    expect(generator.initialSeed()).toBe(67280421310721);
    expect(Array.from(generator.fillNormal(new Float32Array(3)))).toEqual([
      0.9772631525993347, 1.1568583250045776, -0.38065364956855774,
    ]);
  });

  it('gives 24-bit float32 and 53-bit float64 uniforms in [0, 1)', () => {
    const generator = new TorchCpuGenerator(5);
    for (let i = 0; i < 1000; i++) {
      const u32 = generator.uniformFloat32();
      expect(u32).toBeGreaterThanOrEqual(0);
      expect(u32).toBeLessThan(1);
      expect(Number.isInteger(u32 * 2 ** 24)).toBe(true);
      const u64 = generator.uniformFloat64();
      expect(u64).toBeGreaterThanOrEqual(0);
      expect(u64).toBeLessThan(1);
      expect(Number.isInteger(u64 * 2 ** 53)).toBe(true);
    }
  });

  it('refuses arguments torch would refuse', () => {
    const generator = new TorchCpuGenerator(0);
    expect(() => generator.randint(5, 5)).toThrow(
      new RangeError('Expected a safe integer above low (5) for high but received 5'),
    );
    expect(() => generator.randint(0.5, 3)).toThrow(RangeError);
    expect(() => generator.fillNormal(new Float32Array(4), 0, -1)).toThrow(
      'Expected a finite number ≥ 0 for std but received -1',
    );
    expect(() => generator.fillNormal([0, 0] as unknown as Float32Array)).toThrow(
      new TypeError('Expected a Float32Array for out but received an array of length 2'),
    );
    expect(() => generator.manualSeed(-3)).toThrow(
      'Expected a non-negative safe integer for seed but received -3',
    );
  });
});
