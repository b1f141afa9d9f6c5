/** Small statistics for benchmarks: medians and spreads over repeated runs. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export const median = (values: number[]) => percentile(values, 50);

/** Relative spread (max - min) / median: how noisy a measurement was. */
export function spread(values: number[]): number {
  return values.length ? (Math.max(...values) - Math.min(...values)) / median(values) : NaN;
}

export const round = (x: number, digits = 2) => Number(x.toFixed(digits));
