// The nearest-rank percentile every bench prints (p50, p95) from a sorted list.
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
