/**
 * Suggesting groups of similar opinions. Pure functions, no I/O, deterministic for the same input.
 *
 * Japanese text has no spaces between words, so opinions are compared by character n-grams: the bigrams
 * and trigrams of the text after NFKC normalisation (full-width ＡＢＣ１２３ = ABC123, half-width ｶﾅ = カナ),
 * lower-casing, and removal of punctuation, symbols and white space. Comparing every pair would cost n²;
 * instead (cost about n·log n):
 *
 * 1. identical normalised texts are put together at once (organised campaigns send the same text);
 * 2. each distinct text gets a MinHash signature of SIGNATURE_SIZE values by one-permutation hashing
 *    (one seeded hash per n-gram, with densification for short texts);
 * 3. LSH banding: the signature is cut into bands of ROWS_PER_BAND values; texts sharing a whole band
 *    land in one bucket and become candidate pairs. In small buckets every pair is a candidate; in large
 *    ones (a campaign of near-duplicates, or a band of very common n-grams) members are sorted by the key
 *    of another band of their signature and each is paired with its next WINDOW neighbours and the
 *    bucket's first member, so the number of candidates stays about linear in n;
 * 4. each candidate pair not yet in one cluster is checked with the exact Jaccard similarity of the
 *    n-gram sets (pairs inside a cluster cost nothing: a campaign is not compared pair by pair);
 * 5. pairs above the threshold merge their clusters (union-find), but only when the clusters' leaders
 *    (their first members) are themselves alike: this stops chains A≈B≈C≈D from putting unrelated A and
 *    D in one group.
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
  /** The member the others were compared with (the group's representative). */
  leader: number;
  /** Mean similarity of the members to the group's leader, 0..1. */
  score: number;
}

export const DEFAULT_THRESHOLD = 0.5;
export const DEFAULT_LEADER_THRESHOLD = 0.4;
export const SIGNATURE_SIZE = 256;
export const ROWS_PER_BAND = 6;
const BANDS = Math.floor(SIGNATURE_SIZE / ROWS_PER_BAND);
/** Buckets up to this size are compared pair by pair. */
const SMALL_BUCKET = 8;
/** In larger buckets each member is compared with this many following neighbours. */
const WINDOW = 3;
/** A candidate whose signatures agree on less than (threshold − this) of their values is not compared exactly. */
const ESTIMATE_MARGIN = 0.3;

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
  return ngramSets(normalized).all;
}

/** The values sorted, without repeats, as a new array (the input is sorted in place). */
function uniqueSorted(values: Uint32Array): Uint32Array {
  const arr = values.sort();
  let k = 0;
  for (let i = 0; i < arr.length; i++) if (i === 0 || arr[i] !== arr[k - 1]) arr[k++] = arr[i]!;
  return arr.slice(0, k);
}

/**
 * The bigrams and trigrams of a normalised text (`all`, what similarity is measured on), and its trigrams
 * alone (`sketch`, what the signatures are made of: common two-character pieces such as して, ほし, です
 * make unrelated opinions look alike and would flood the buckets). A text too short for a trigram is
 * sketched by what it has.
 */
export function ngramSets(normalized: string): { all: Uint32Array; sketch: Uint32Array } {
  const len = normalized.length;
  if (scratch.length < 4 * len + 2) scratch = new Uint32Array(4 * len + 2);
  const all = scratch.subarray(0, 2 * len + 1);
  const tri = scratch.subarray(2 * len + 1);
  let na = 0;
  let nt = 0;
  // code points, read pairwise so that characters outside the BMP count once
  let a = -1;
  let b = -1;
  let count = 0;
  for (let i = 0; i < len; i++) {
    let c = normalized.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < len) {
      const lo = normalized.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo < 0xe000) {
        c = (c - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000;
        i++;
      }
    }
    count++;
    if (b >= 0) {
      // bigrams and trigrams hashed with different seeds, so that they never share a value by design
      all[na++] = fmix32(Math.imul(b, 0x01000193) ^ fmix32(c ^ 0x2545f491));
      if (a >= 0) {
        const t = fmix32(
          Math.imul(a, 0x01000193) ^ fmix32(Math.imul(b, 0x27d4eb2f) ^ fmix32(c ^ 0x165667b1)),
        );
        all[na++] = t;
        tri[nt++] = t;
      }
    }
    a = b;
    b = c;
  }
  if (count === 1) all[na++] = fmix32(b ^ 0x9e3779b9);
  const allSet = uniqueSorted(all.subarray(0, na));
  return { all: allSet, sketch: nt > 0 ? uniqueSorted(tri.subarray(0, nt)) : allSet };
}

/** A buffer reused by {@link ngramSets} (grown as needed). */
let scratch = new Uint32Array(1024);

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

/**
 * The Jaccard similarity of two sorted unique hash sets when it is at least `t`, else -1: decided early
 * when the sizes alone rule it out or when too few elements remain to reach it (most candidate pairs are
 * refused after a few steps).
 */
export function jaccardAtLeast(a: Uint32Array, b: Uint32Array, t: number): number {
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return -1;
  if (Math.min(la, lb) < t * Math.max(la, lb)) return -1;
  // inter / (la + lb - inter) >= t  ⇔  inter >= t (la + lb) / (1 + t)
  const need = (t * (la + lb)) / (1 + t) - 1e-9;
  let i = 0;
  let j = 0;
  let inter = 0;
  while (i < la && j < lb) {
    if (inter + Math.min(la - i, lb - j) < need) return -1;
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      inter++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  if (inter < need) return -1;
  return inter / (la + lb - inter);
}

/** The seed of the one hash function of the signatures (fixed: the same signatures on every run). */
const SIGNATURE_SEED = 0x6b79736f; // "kyso"
/** log2(SIGNATURE_SIZE): the top bits of a shingle's hash choose its bin. */
const BIN_BITS = Math.log2(SIGNATURE_SIZE);
const EMPTY = 0xffffffff;
/** Packs a bucket key (30 bits) and a text's number (up to 2^22 texts) in one exact double. */
const PACK = 2 ** 22;

/**
 * The MinHash signature of a shingle set by one-permutation hashing with optimal densification
 * (Shrivastava, ICML 2017): each shingle is hashed once; the top bits choose one of SIGNATURE_SIZE bins and
 * the bin keeps the smallest remaining bits. An empty bin (short texts) copies the value of the first
 * non-empty bin of its own fixed pseudo-random probe sequence, so that two texts agree on a bin with
 * probability equal to their Jaccard similarity, as with SIGNATURE_SIZE independent hash functions, at the
 * cost of one hash per shingle instead of SIGNATURE_SIZE. Written into `out` at `offset`.
 */
function signatureInto(set: Uint32Array, out: Uint32Array, offset: number): void {
  out.fill(EMPTY, offset, offset + SIGNATURE_SIZE);
  if (set.length === 0) return;
  const shift = 32 - BIN_BITS;
  const valueMask = (1 << shift) - 1;
  for (let k = 0; k < set.length; k++) {
    const h = fmix32(set[k]! ^ SIGNATURE_SEED);
    const bin = offset + (h >>> shift);
    const v = h & valueMask;
    if (v < out[bin]!) out[bin] = v;
  }
  // densification reads only the bins filled by shingles, never a copied value
  for (let i = 0; i < SIGNATURE_SIZE; i++) {
    if (out[offset + i] !== EMPTY) continue;
    for (let attempt = 1; ; attempt++) {
      const probe =
        attempt <= PROBE_LENGTH
          ? PROBES[i * PROBE_LENGTH + attempt - 1]!
          : fmix32(Math.imul(i + 1, 0x9e3779b1) ^ attempt) >>> shift;
      const v = out[offset + probe]!;
      if (v <= valueMask) {
        out[offset + i] = v | COPIED;
        break;
      }
    }
  }
  for (let i = 0; i < SIGNATURE_SIZE; i++) out[offset + i] = (out[offset + i]! & ~COPIED) >>> 0;
}

/** Marks a copied value during densification (values use the low 32 - BIN_BITS bits only). */
const COPIED = 0x80000000;
/** The first PROBE_LENGTH bins each empty bin tries, precomputed. */
const PROBE_LENGTH = 16;
const PROBES = (() => {
  const out = new Uint8Array(SIGNATURE_SIZE * PROBE_LENGTH);
  for (let i = 0; i < SIGNATURE_SIZE; i++)
    for (let a = 1; a <= PROBE_LENGTH; a++)
      out[i * PROBE_LENGTH + a - 1] = fmix32(Math.imul(i + 1, 0x9e3779b1) ^ a) >>> (32 - BIN_BITS);
  return out;
})();

/**
 * A bucket key from ROWS_PER_BAND signature values: 30 bits, so that the key is a small integer (fast in a
 * Map). Two bands that differ but share a key only make a candidate pair that the checks then refuse.
 */
function bandKey(sig: Uint32Array, offset: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < ROWS_PER_BAND; i++) h = fmix32(Math.imul(h, 0x5bd1e995) ^ sig[offset + i]!);
  return h & 0x3fffffff;
}

/** The share of signature values two texts agree on: an estimate of their Jaccard similarity. */
function estimate(sig: Uint32Array, a: number, b: number): number {
  const oa = a * SIGNATURE_SIZE;
  const ob = b * SIGNATURE_SIZE;
  let same = 0;
  for (let i = 0; i < SIGNATURE_SIZE; i++) if (sig[oa + i] === sig[ob + i]) same++;
  return same / SIGNATURE_SIZE;
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
  const grams = texts.map(ngramSets);
  const sets = grams.map((g) => g.all);

  // 2. signatures
  const sig = new Uint32Array(n * SIGNATURE_SIZE);
  for (let d = 0; d < n; d++) signatureInto(grams[d]!.sketch, sig, d * SIGNATURE_SIZE);

  // 3–5. candidate pairs from the bands, each checked at once and merged (union-find). A pair already in
  // one cluster costs nothing (a campaign of near-duplicates is not compared pair by pair), and a pair whose
  // signatures already tell it apart is not compared exactly.
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const leader = Int32Array.from({ length: n }, (_, i) => i);
  /** The members of each cluster, by its root (union by size: each text moves O(log n) times). */
  const clusterOf: number[][] = Array.from({ length: n }, (_, i) => [i]);
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
  const prefilter = threshold - ESTIMATE_MARGIN;
  /** Pairs of texts (or of their clusters) found not to go together: not checked again in another band. */
  const refused = new Set<number>();
  const consider = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return;
    const key = a < b ? a * n + b : b * n + a;
    if (refused.has(key)) return;
    if (estimate(sig, a, b) < prefilter || jaccardAtLeast(sets[a]!, sets[b]!, threshold) < 0) {
      refused.add(key);
      return;
    }
    // the guard against chaining: every member of a group stays alike its leader, so the smaller cluster
    // joins only if each of its members is alike the larger cluster's leader
    const big =
      clusterOf[ra]!.length > clusterOf[rb]!.length ||
      (clusterOf[ra]!.length === clusterOf[rb]!.length && leader[ra]! < leader[rb]!)
        ? ra
        : rb;
    const small = big === ra ? rb : ra;
    const lead = sets[leader[big]!]!;
    for (const m of clusterOf[small]!) {
      if (jaccardAtLeast(lead, sets[m]!, leaderThreshold) < 0) {
        refused.add(key);
        return;
      }
    }
    parent[small] = big;
    for (const m of clusterOf[small]!) clusterOf[big]!.push(m);
    clusterOf[small] = [];
  };
  // each band's buckets by sorting (key, text) packed in one number: equal keys come out together, texts
  // in ascending order (n·log n per band, no hash table)
  const packed = new Float64Array(n);
  for (let band = 0; band < BANDS; band++) {
    for (let d = 0; d < n; d++)
      packed[d] = bandKey(sig, d * SIGNATURE_SIZE + band * ROWS_PER_BAND) * PACK + d;
    packed.sort();
    for (let start = 0; start < n; ) {
      const key = Math.floor(packed[start]! / PACK);
      let end = start + 1;
      while (end < n && Math.floor(packed[end]! / PACK) === key) end++;
      const size = end - start;
      const first = start;
      start = end;
      if (size < 2) continue;
      const bucket: number[] = [];
      for (let i = first; i < end; i++) bucket.push(packed[i]! - key * PACK);
      if (bucket.length <= SMALL_BUCKET) {
        for (let i = 0; i < bucket.length; i++)
          for (let j = i + 1; j < bucket.length; j++) consider(bucket[i]!, bucket[j]!);
        continue;
      }
      // sorted by the key of the next band, so that the most alike are neighbours
      const from = ((band + 1) % BANDS) * ROWS_PER_BAND;
      const order = new Map<number, number>();
      for (const d of bucket) order.set(d, bandKey(sig, d * SIGNATURE_SIZE + from));
      bucket.sort((a, b) => order.get(a)! - order.get(b)! || a - b);
      for (let i = 0; i < bucket.length; i++) {
        consider(bucket[0]!, bucket[i]!);
        for (let w = 1; w <= WINDOW && i + w < bucket.length; w++) consider(bucket[i]!, bucket[i + w]!);
      }
    }
  }

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
    groups.push({ ids, leader: members[lead]![0]!, score: Math.round((total / ids.length) * 1000) / 1000 });
  }
  groups.sort((x, y) => y.ids.length - x.ids.length || x.ids[0]! - y.ids[0]!);
  return groups;
}
