/**
 * Where a suggestion session's absorbed text sits in the text the editor now
 * sends: in place, or moved because text before the window changed or because
 * the window follows the cursor (typing moves its start forward, deleting
 * moves it back). Finding it lets the session keep its LSTM state instead of
 * reading the context again.
 */

/** How far the caller's window may have moved for the state to be kept. */
const MAX_SHIFT = 512;
/** A moved window must keep this many characters intact (or all it still holds)... */
const MIN_OVERLAP = 200;
/** ...and hold at least this many, so a chance match of a few characters cannot count. */
const MIN_LEFT = 32;

/**
 * Where `absorbed` (read from `origin`) sits in `chars` and how much of it
 * (from its start, after any head that fell out of the window) is still
 * intact. In place is tried first; another position must keep more, and a
 * good stretch of text (MIN_OVERLAP, or all that is left), so a chance match
 * cannot win.
 */
export function realign(
  absorbed: readonly string[],
  origin: number,
  chars: readonly string[],
): { at: number; kept: number } {
  const n = absorbed.length;
  const run = (at: number) => {
    let i = Math.max(0, -at);
    const from = i;
    while (i < n && at + i < chars.length && chars[at + i] === absorbed[i]) i++;
    return i - from;
  };
  const inPlace = run(origin);
  if (inPlace === n) return { at: origin, kept: n };
  for (let shift = 1; shift <= MAX_SHIFT; shift++) {
    for (const at of [origin - shift, origin + shift]) {
      const left = n - Math.max(0, -at); // absorbed characters still inside the window
      if (left < MIN_LEFT || Math.max(at, 0) >= chars.length) continue;
      const kept = run(at);
      if (kept > inPlace && kept >= Math.min(MIN_OVERLAP, left)) return { at, kept };
    }
  }
  return { at: origin, kept: inPlace };
}
