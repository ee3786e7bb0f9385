/**
 * How long the method takes for a batch of n rows, learnt from the batches it ran: a straight line
 * `fixed + perRow * n`, fitted by least squares over every batch seen, each weighted less the
 * older it is (exponential forgetting), so the model follows a method that gets faster (warm
 * caches) or slower (a busy GPU). The fixed part is what merging saves: one call instead of two.
 */
export class LatencyModel {
  private weight = 0;
  private sumRows = 0;
  private sumMs = 0;
  private sumRowsSquared = 0;
  private sumRowsMs = 0;
  private fixed = 0;
  private perRow = 0;

  /** `decay`: how much of its weight a batch keeps with each newer one (0.9: the last ~10 batches count most). */
  constructor(private readonly decay = 0.9) {}

  /** Whether any batch was seen: before that, nothing is known and nothing is predicted. */
  get observed(): boolean {
    return this.weight > 0;
  }

  /** Milliseconds a call of the method costs whatever its size. */
  get fixedMs(): number {
    return this.fixed;
  }

  /** Milliseconds each row adds. */
  get perRowMs(): number {
    return this.perRow;
  }

  /** Expected milliseconds for a batch of `rows` rows; 0 before any batch was seen. */
  predict(rows: number): number {
    return this.fixed + this.perRow * rows;
  }

  /** Learns from one batch of `rows` rows that took `ms` milliseconds. */
  observe(rows: number, ms: number): void {
    const d = this.decay;
    this.weight = this.weight * d + 1;
    this.sumRows = this.sumRows * d + rows;
    this.sumMs = this.sumMs * d + ms;
    this.sumRowsSquared = this.sumRowsSquared * d + rows * rows;
    this.sumRowsMs = this.sumRowsMs * d + rows * ms;
    const meanRows = this.sumRows / this.weight;
    const meanMs = this.sumMs / this.weight;
    const variance = this.sumRowsSquared / this.weight - meanRows * meanRows;
    const covariance = this.sumRowsMs / this.weight - meanRows * meanMs;
    // Batches of (nearly) one size cannot tell fixed cost from per-row cost: count it all as fixed.
    // (Relative to the rows: the sums' rounding leaves a tiny variance where there is none.)
    let perRow = variance > 1e-9 * (1 + meanRows * meanRows) ? covariance / variance : 0;
    let fixed = meanMs - perRow * meanRows;
    // Noise can tilt the line below zero on either side; a negative cost is never right.
    if (perRow < 0) {
      perRow = 0;
      fixed = meanMs;
    } else if (fixed < 0) {
      fixed = 0;
      perRow = meanRows > 0 ? meanMs / meanRows : 0;
    }
    this.fixed = fixed;
    this.perRow = perRow;
  }
}
