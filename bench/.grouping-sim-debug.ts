/**
 * Suggesting groups of similar opinions. Pure functions, no I/O, deterministic for the same input.
 *
 * Japanese text has no spaces between words, so opinions are compared by character n-grams: the bigrams
 * and trigrams of the text after NFKC normalisation (full-width ＡＢＣ１２３ = ABC123, half-width ｶﾅ = カナ),
 * lower-casing, and removal of punctuation, symbols and white space. Comparing every pair would cost n²;
 * instead (cost about n·log n):
 *
 * 1. identical normalised texts are put together at once (organised campaigns send the same text);
 * 2. each distinct text gets a MinHash signature (SIGNATURE_SIZE seeded hash functions);
 * 3. LSH banding: the signature is cut into bands of ROWS_PER_BAND values; texts sharing a whole band
 *    land in one bucket and become candidate pairs. In small buckets every pair is a candidate; in large
 *    ones (a campaign of near-duplicates, or a band of very common n-grams) members are sorted by another
 *    band of their signature and each is paired with its next WINDOW neighbours and the bucket's first
 *    member, so the number of candidates stays linear in n;
 * 4. each candidate is checked with the exact Jaccard similarity of the n-gram sets;
 * 5. pairs above the threshold are merged, most similar first (union-find), but two clusters merge only
 *    when their leaders (first members) are themselves similar: this stops chains A≈B≈C≈D from putting
 *    unrelated A and D in one group.
 */

export interface OpinionText {
  id: number;
  text: string;
}

export interface SimilarityOptions {
  /** Exact Jaccard similarity of two opinions' n-gram sets needed to pair them (0..1). */
  threshold?: number;
  /** The similarity the leaders of two clusters need to merge them (guard against chaining). */
  leaderThreshold?: number;
}

export interface SuggestedGroup {
  /** Opinion ids, ascending. */
  ids: number[];
  /** Mean similarity of the members to the group's leader (its first member), 0..1. */
  score: number;
}

export const DEFAULT_THRESHOLD = 0.5;
export const DEFAULT_LEADER_THRESHOLD = 0.4;
export const SIGNATURE_SIZE = 128;
export const ROWS_PER_BAND = 4;
const BANDS = SIGNATURE_SIZE / ROWS_PER_BAND;
/** Buckets up to this size are compared pair by pair. */
const SMALL_BUCKET = 24;
/** In larger buckets each member is compared with this many following neighbours. */
const WINDOW = 4;

const SEPARATORS = /[\p{P}\p{S}\p{Z}\p{C}\s]/gu;

/** The text as compared: NFKC, lower case, without punctuation, symbols, white space or control characters. */
export function normalizeForSimilarity(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(SEPARATORS, '');
}

/** 32-bit finaliser of MurmurHash3: spreads the bits of a 32-bit value. */
function fmix32(h: number): number {
  let x = h;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * The set of character bigrams and trigrams of a normalised text as sorted unique 32-bit hashes (code
 * points, so that characters outside the BMP count once). A one-character text is its own unigram; an
 * empty one has no n-grams.
 */
export function shingles(normalized: string): Uint32Array {
  const cps: number[] = [];
  for (const ch of normalized) cps.push(ch.codePointAt(0)!);
  const out: number[] = [];
  if (cps.length === 1) out.push(fmix32(cps[0]! ^ 0x9e3779b9));
  for (let i = 0; i + 1 < cps.length; i++) {
    const a = cps[i]!;
    const b = cps[i + 1]!;
    // bigrams and trigrams hashed with different seeds, so that they never share a value by design
    out.push(fmix32(Math.imul(a, 0x01000193) ^ fmix32(b ^ 0x2545f491)));
    if (i + 2 < cps.length) {
      const c = cps[i + 2]!;
      out.push(fmix32(Math.imul(a, 0x01000193) ^ fmix32(Math.imul(b, 0x27d4eb2f) ^ fmix32(c ^ 0x165667b1))));
    }
  }
  const arr = Uint32Array.from(out).sort();
  let k = 0;
  for (let i = 0; i < arr.length; i++) if (i === 0 || arr[i] !== arr[k - 1]) arr[k++] = arr[i]!;
  return arr.slice(0, k);
}

/** Exact Jaccard similarity of two sorted unique hash sets (1 for two empty sets is never asked). */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 || b.length === 0) return 0;
  let i = 0;
  let j = 0;
  let inter = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      inter++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return inter / (a.length + b.length - inter);
}

/** Fixed seeds of the hash functions (a small PRNG from a constant): the same signatures on every run. */
const SEEDS = (() => {
  let s = 0x6b79736f; // "kyso"
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const xor = new Uint32Array(SIGNATURE_SIZE);
  const mul = new Uint32Array(SIGNATURE_SIZE);
  for (let i = 0; i < SIGNATURE_SIZE; i++) {
    xor[i] = next();
    mul[i] = next() | 1;
  }
  return { xor, mul };
})();

/** The MinHash signature of a shingle set, written into `out` at `offset`. */
function signatureInto(set: Uint32Array, out: Uint32Array, offset: number): void {
  const { xor, mul } = SEEDS;
  out.fill(0xffffffff, offset, offset + SIGNATURE_SIZE);
  for (let k = 0; k < set.length; k++) {
    const x = set[k]!;
    for (let i = 0; i < SIGNATURE_SIZE; i++) {
      let v = Math.imul(x ^ xor[i]!, mul[i]!);
      v = (v ^ (v >>> 15)) >>> 0;
      if (v < out[offset + i]!) out[offset + i] = v;
    }
  }
}

/** A bucket key from ROWS_PER_BAND signature values (53 bits: two 32-bit mixes). */
function bandKey(sig: Uint32Array, offset: number): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x1b873593;
  for (let i = 0; i < ROWS_PER_BAND; i++) {
    const v = sig[offset + i]!;
    h1 = fmix32(h1 ^ v);
    h2 = fmix32(Math.imul(h2, 0x5bd1e995) ^ v);
  }
  return h1 * 0x200000 + (h2 & 0x1fffff);
}

/** Lexicographic order of two texts' signatures starting at `from` (a band other than the bucket's own). */
function compareSignatures(sig: Uint32Array, a: number, b: number, from: number): number {
  for (let k = 0; k < SIGNATURE_SIZE; k++) {
    const i = (from + k) % SIGNATURE_SIZE;
    const d = sig[a * SIGNATURE_SIZE + i]! - sig[b * SIGNATURE_SIZE + i]!;
    if (d !== 0) return d;
  }
  return a - b;
}

/**
 * Groups of similar opinions (two members or more), largest first, then by their smallest id. Opinions
 * with nothing to compare (empty after normalisation) are never grouped. The input order does not matter.
 */
export function suggestSimilarGroups(
  opinions: readonly OpinionText[],
  options: SimilarityOptions = {},
): SuggestedGroup[] {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const leaderThreshold = options.leaderThreshold ?? DEFAULT_LEADER_THRESHOLD;
  const sorted = [...opinions].sort((a, b) => a.id - b.id);

  // 1. identical normalised texts: one "distinct text" each, with every opinion that has it
  const byText = new Map<string, number>();
  const members: number[][] = [];
  const texts: string[] = [];
  for (const o of sorted) {
    const norm = normalizeForSimilarity(o.text);
    if (norm === '') continue;
    const at = byText.get(norm);
    if (at === undefined) {
      byText.set(norm, members.length);
      members.push([o.id]);
      texts.push(norm);
    } else members[at]!.push(o.id);
  }
  const n = texts.length;
  const sets = texts.map(shingles);

  const T=[performance.now()];
  // 2. signatures
  const sig = new Uint32Array(n * SIGNATURE_SIZE);
  for (let d = 0; d < n; d++) signatureInto(sets[d]!, sig, d * SIGNATURE_SIZE);

  T.push(performance.now());
  // 3. candidate pairs from the bands
  const candidates = new Set<number>();
  const add = (a: number, b: number) => {
    if (a !== b) candidates.add(a < b ? a * n + b : b * n + a);
  };
  for (let band = 0; band < BANDS; band++) {
    const buckets = new Map<number, number[]>();
    for (let d = 0; d < n; d++) {
      const key = bandKey(sig, d * SIGNATURE_SIZE + band * ROWS_PER_BAND);
      const bucket = buckets.get(key);
      if (bucket) bucket.push(d);
      else buckets.set(key, [d]);
    }
    for (const bucket of buckets.values()) {
      if (bucket.length < 2) continue;
      if (bucket.length <= SMALL_BUCKET) {
        for (let i = 0; i < bucket.length; i++)
          for (let j = i + 1; j < bucket.length; j++) add(bucket[i]!, bucket[j]!);
        continue;
      }
      const from = ((band + 1) % BANDS) * ROWS_PER_BAND;
      bucket.sort((a, b) => compareSignatures(sig, a, b, from));
      for (let i = 0; i < bucket.length; i++) {
        add(bucket[0]!, bucket[i]!);
        for (let w = 1; w <= WINDOW && i + w < bucket.length; w++) add(bucket[i]!, bucket[i + w]!);
      }
    }
  }

  T.push(performance.now());
  // 4. exact verification
  const edges: Array<{ a: number; b: number; s: number }> = [];
  for (const key of candidates) {
    const a = Math.floor(key / n);
    const b = key - a * n;
    const s = jaccard(sets[a]!, sets[b]!);
    if (s >= threshold) edges.push({ a, b, s });
  }
  edges.sort((x, y) => y.s - x.s || x.a - y.a || x.b - y.b);

  T.push(performance.now());
  // 5. union-find, most similar first, with the leaders' guard
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const size = new Int32Array(n).fill(1);
  const leader = Int32Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => {
    let r = x;
    while (parent[r] !== r) r = parent[r]!;
    let y = x;
    while (parent[y] !== r) {
      const next = parent[y]!;
      parent[y] = r;
      y = next;
    }
    return r;
  };
  for (const { a, b } of edges) {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) continue;
    const la = leader[ra]!;
    const lb = leader[rb]!;
    if (jaccard(sets[la]!, sets[lb]!) < leaderThreshold) continue;
    const [big, small] = size[ra]! > size[rb]! || (size[ra] === size[rb] && la < lb) ? [ra, rb] : [rb, ra];
    parent[small] = big;
    size[big]! += size[small]!;
  }

  T.push(performance.now());
  // 6. the groups: clusters of distinct texts, with every opinion of each text
  const clusters = new Map<number, number[]>();
  for (let d = 0; d < n; d++) {
    const r = find(d);
    const c = clusters.get(r);
    if (c) c.push(d);
    else clusters.set(r, [d]);
  }
  const groups: SuggestedGroup[] = [];
  for (const [root, ds] of clusters) {
    const ids = ds.flatMap((d) => members[d]!);
    if (ids.length < 2) continue;
    const lead = leader[root]!;
    let total = 0;
    for (const d of ds) total += (d === lead ? 1 : jaccard(sets[lead]!, sets[d]!)) * members[d]!.length;
    ids.sort((x, y) => x - y);
    groups.push({ ids, score: Math.round((total / ids.length) * 1000) / 1000 });
  }
  T.push(performance.now());
  console.error('n',n,'cands',candidates.size,'edges',edges.length,'phases',T.slice(1).map((t,i)=>(t-T[i]).toFixed(0)).join(' '));
  groups.sort((x, y) => y.ids.length - x.ids.length || x.ids[0]! - y.ids[0]!);
  return groups;
}
