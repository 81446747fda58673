import { performance } from "node:perf_hooks";

export type Summary = { median: number; p95: number; n: number };

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p95: at(0.95), n: sorted.length };
}

/**
 * Times each variant in interleaved rounds, so drift and noise on a shared
 * machine fall on every variant alike, after a warm-up.
 */
export async function compare(
  variants: Record<string, () => Promise<unknown>>,
  { rounds = 20, perRound = 100, warmup = 200 } = {},
): Promise<Record<string, Summary>> {
  const names = Object.keys(variants);
  for (const name of names) for (let i = 0; i < warmup; i++) await variants[name]!();
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      for (let i = 0; i < perRound; i++) {
        const start = performance.now();
        await variants[name]!();
        samples[name]!.push(performance.now() - start);
      }
    }
  }
  return Object.fromEntries(names.map((n) => [n, summarize(samples[n]!)]));
}

export const ms = (value: number) => `${value.toFixed(3)} ms`;
