const STATE_SIZE = 624;
const SHIFT_SIZE = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/**
 * The 32-bit Mersenne Twister (MT19937) as torch's CPU generator runs it: seeded from the low 32
 * bits of the seed with the reference initialisation, so its draws are torch's draws.
 */
export class Mt19937 {
  private readonly state = new Uint32Array(STATE_SIZE);
  private index = STATE_SIZE;

  constructor(seed32: number) {
    this.seed(seed32);
  }

  /** Restarts the sequence from a 32-bit seed (torch keeps `seed & 0xffffffff`). */
  seed(seed32: number): void {
    const state = this.state;
    state[0] = seed32 >>> 0;
    for (let i = 1; i < STATE_SIZE; i++) {
      const previous = state[i - 1];
      state[i] = (Math.imul(1812433253, previous ^ (previous >>> 30)) + i) >>> 0;
    }
    // torch regenerates the whole state before the first draw, like the reference code.
    this.index = STATE_SIZE;
  }

  /** The next 32-bit draw, an integer in [0, 2³²). */
  nextUint32(): number {
    if (this.index >= STATE_SIZE) this.regenerate();
    let y = this.state[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private regenerate(): void {
    const state = this.state;
    for (let i = 0; i < STATE_SIZE; i++) {
      const y = (state[i] & UPPER_MASK) | (state[(i + 1) % STATE_SIZE] & LOWER_MASK);
      const twisted = state[(i + SHIFT_SIZE) % STATE_SIZE] ^ (y >>> 1);
      state[i] = y & 1 ? twisted ^ MATRIX_A : twisted;
    }
    this.index = 0;
  }
}
