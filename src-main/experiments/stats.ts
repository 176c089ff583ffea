/**
 * Statistics over replications: Student-t confidence intervals of a mean and
 * Welch's two-sample t-test, from @stdlib (maintained, tested numerics);
 * nothing here re-derives a distribution.
 */
import ttest2 from '@stdlib/stats-ttest2';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

export const CONFIDENCE = 0.95;

/** Mean with its 95 % confidence interval over n independent replications. */
export interface MeanCi {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1); 0 for one value. */
  sd: number;
  /** Half-width of the 95 % interval (t quantile with n − 1 degrees of freedom); NaN below two values. */
  half: number;
  lo: number;
  hi: number;
}

/** Mean ± t(0.975, n−1)·s/√n over the finite values (NaN and ±Infinity, e.g. "max", are left out). */
export function meanCi(values: readonly number[]): MeanCi {
  const xs = values.filter((v) => Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { n, mean: NaN, sd: NaN, half: NaN, lo: NaN, hi: NaN };
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / n;
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  const half = n > 1 ? tQuantile(1 - (1 - CONFIDENCE) / 2, n - 1) * (sd / Math.sqrt(n)) : NaN;
  return { n, mean, sd, half, lo: mean - half, hi: mean + half };
}

export interface WelchResult {
  test: "Welch's t-test";
  /** Mean of B minus mean of A. */
  difference: number;
  t: number;
  df: number;
  pValue: number;
  /** 95 % interval of the difference B − A. */
  ci: [number, number];
  /** p < 0.05 (two-sided). */
  significant: boolean;
  statement: string;
}

/**
 * Is B's mean different from A's? Welch's unequal-variance t-test (two-sided,
 * α = 0.05). Needs two finite values per side; identical constant samples
 * have no variance to test and are reported as not different.
 */
export function welch(a: readonly number[], b: readonly number[], metric = 'the metric'): WelchResult {
  const xa = a.filter((v) => Number.isFinite(v));
  const xb = b.filter((v) => Number.isFinite(v));
  if (xa.length < 2 || xb.length < 2) {
    throw new RangeError(`Welch's t-test needs at least two finite values per side (A has ${xa.length}, B has ${xb.length})`);
  }
  const ma = meanCi(xa);
  const mb = meanCi(xb);
  if (ma.sd === 0 && mb.sd === 0) {
    const same = ma.mean === mb.mean;
    const difference = mb.mean - ma.mean;
    return {
      test: "Welch's t-test",
      difference,
      t: same ? 0 : Math.sign(difference) * Infinity,
      df: xa.length + xb.length - 2,
      pValue: same ? 1 : 0,
      ci: [difference, difference],
      significant: !same,
      statement: same
        ? `${metric}: A and B are identical in every replication`
        : `${metric}: B − A = ${fmt(difference)} in every replication (no variance): the difference is certain`,
    };
  }
  // stdlib tests x − y; B − A reads as "what the change did".
  const r = ttest2([...xb], [...xa], { alpha: 1 - CONFIDENCE, variance: 'unequal' });
  const difference = mb.mean - ma.mean;
  const significant = r.pValue < 1 - CONFIDENCE;
  const ci: [number, number] = [r.ci[0]!, r.ci[1]!];
  const statement =
    `${metric}: B − A = ${fmt(difference)} (95 % CI ${fmt(ci[0])} … ${fmt(ci[1])}), Welch's t = ${r.statistic.toFixed(2)}, ` +
    `df = ${r.df.toFixed(1)}, p = ${r.pValue < 1e-4 ? r.pValue.toExponential(1) : r.pValue.toFixed(4)}: ` +
    (significant ? 'significant at the 5 % level' : 'not significant at the 5 % level');
  return { test: "Welch's t-test", difference, t: r.statistic, df: r.df, pValue: r.pValue, ci, significant, statement };
}

/** A number for a sentence or a table cell: 4 significant digits, no exponent below 1e9. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) >= 1e9 || Math.abs(v) < 1e-3)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

/** "12.3 ± 0.4" (± half-width of the 95 % interval); a single value has no interval. */
export function showMeanCi(m: MeanCi): string {
  if (m.n === 0) return '-';
  if (m.n === 1 || !Number.isFinite(m.half)) return fmt(m.mean);
  return `${fmt(m.mean)} ± ${fmt(m.half)}`;
}
