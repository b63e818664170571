// Word error rate, as speech recognition is scored (NIST's sclite does the same alignment): the
// fewest word substitutions, deletions and insertions that turn the reference into the
// hypothesis (a word-level Levenshtein distance), over the reference's word count. Case and
// punctuation do not count.

/** Lower-case words without punctuation (apostrophes kept: "don't" is one word). */
export function words(text: string): string[] {
  return text.toLowerCase().replace(/[^\p{L}\p{N}'\s]/gu, " ").split(/\s+/).filter(Boolean);
}

export interface WordErrors {
  substitutions: number;
  deletions: number;
  insertions: number;
  /** Words in the reference. */
  reference: number;
}

/** The alignment's counts of one reference and one hypothesis. */
export function wordErrors(reference: string, hypothesis: string): WordErrors {
  const r = words(reference);
  const h = words(hypothesis);
  // d[i][j]: the cost of turning r[0..i) into h[0..j), with the counts that make it.
  type Cell = { cost: number; s: number; d: number; i: number };
  let prev: Cell[] = Array.from({ length: h.length + 1 }, (_, j) => ({ cost: j, s: 0, d: 0, i: j }));
  for (let i = 1; i <= r.length; i++) {
    const row: Cell[] = [{ cost: i, s: 0, d: i, i: 0 }];
    for (let j = 1; j <= h.length; j++) {
      const same = r[i - 1] === h[j - 1];
      const diag = prev[j - 1];
      const up = prev[j];
      const left = row[j - 1];
      const options: Cell[] = [
        { ...diag, cost: diag.cost + (same ? 0 : 1), s: diag.s + (same ? 0 : 1) },
        { ...up, cost: up.cost + 1, d: up.d + 1 },
        { ...left, cost: left.cost + 1, i: left.i + 1 },
      ];
      row.push(options.reduce((a, b) => (b.cost < a.cost ? b : a)));
    }
    prev = row;
  }
  const end = prev[h.length];
  return { substitutions: end.s, deletions: end.d, insertions: end.i, reference: r.length };
}

/** (S + D + I) / N over several pairs, summed before dividing, as corpora are scored. */
export function wordErrorRate(pairs: { reference: string; hypothesis: string }[]): number {
  let errors = 0;
  let n = 0;
  for (const p of pairs) {
    const e = wordErrors(p.reference, p.hypothesis);
    errors += e.substitutions + e.deletions + e.insertions;
    n += e.reference;
  }
  return n === 0 ? 0 : errors / n;
}
