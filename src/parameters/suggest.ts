/**
 * "Did you mean" for parameter names. CloudFormation keys are case-sensitive, so a key that
 * differs only in case (`VpcID` for `VpcId`) is the most likely slip and wins outright;
 * otherwise the closest name by edit distance, if it is close enough to be a typo.
 */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  return suggester(candidates)(name);
}

/**
 * `didYouMean` over a fixed list of candidates, for many names (a file of 20,000 unknown keys):
 * the candidates are lower-cased once, and each comparison stops as soon as the candidate
 * cannot beat the best one so far or the typo limit, so a name costs about its length times
 * the limit per candidate instead of the product of both lengths. Same answers as comparing
 * every candidate in full.
 */
export function suggester(candidates: Iterable<string>): (name: string) => string | undefined {
  const list = [...candidates].map((candidate) => {
    const lower = candidate.toLowerCase();
    return { candidate, lower, letters: letterCounts(lower) };
  });
  return (name) => {
    const lower = name.toLowerCase();
    const letters = letterCounts(lower);
    // A third of the name (at least 2) keeps `DatadogApiKy` -> `DatadogAPIKey` while not
    // suggesting an unrelated parameter for a key that is simply foreign.
    const limit = Math.max(2, Math.floor(name.length / 3));
    let best: string | undefined;
    // Only a distance below this is of interest: within the limit, and better than the best.
    let bound = limit + 1;
    for (const c of list) {
      // Two cheap lower bounds of the distance first: the length gap and the letter-count gap.
      if (Math.abs(c.lower.length - lower.length) >= bound || letterGap(letters, c.letters, bound) >= bound) continue;
      const distance = boundedEditDistance(lower, c.lower, bound - 1);
      if (distance === 0) return c.candidate;
      if (distance < bound) {
        best = c.candidate;
        bound = distance;
      }
    }
    return best;
  };
}

const BUCKETS = 32;

/** How often each character occurs, characters folded into 32 buckets by code (a-z apart). */
function letterCounts(s: string): Int32Array {
  const counts = new Int32Array(BUCKETS);
  for (let i = 0; i < s.length; i++) counts[s.charCodeAt(i) & (BUCKETS - 1)]!++;
  return counts;
}

/**
 * A lower bound of the edit distance: each edit adds, removes or replaces one character, so it
 * takes at least as many edits as the larger of the characters only one side has. Folding
 * characters into buckets can only cancel differences, so the bound stays a bound. Stops at
 * `enough`, the distance that already rules the candidate out.
 */
function letterGap(a: Int32Array, b: Int32Array, enough: number): number {
  let more = 0;
  let fewer = 0;
  for (let i = 0; i < BUCKETS; i++) {
    const d = a[i]! - b[i]!;
    if (d > 0) more += d;
    else fewer -= d;
    // Both sums only grow: once one reaches `enough`, the candidate is out.
    if (more >= enough || fewer >= enough) return enough;
  }
  return Math.max(more, fewer);
}

/** Levenshtein distance (insert, delete, substitute; each costs 1). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * `editDistance(a, b)` when it is at most `max`, else `max + 1`. Only the diagonal band of
 * width `2 * max + 1` can hold a path that cheap, and a row whose cells all exceed `max`
 * ends the search (Ukkonen's cut-off). `max` is 0 or more.
 */
export function boundedEditDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const over = max + 1;
  let previous = new Uint32Array(b.length + 1);
  let current = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = Math.min(j, over);
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - max);
    const to = Math.min(b.length, i + max);
    current[0] = Math.min(i, over);
    if (from > 1) current[from - 1] = over;
    let rowMin = current[0]!;
    for (let j = from; j <= to; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost, over);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (to < b.length) current[to + 1] = over;
    if (rowMin > max) return over;
    [previous, current] = [current, previous];
  }
  return Math.min(previous[b.length]!, over);
}
