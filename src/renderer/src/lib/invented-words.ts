/**
 * A suggestion's text cut where main marked words the model made up (words
 * in neither its word list nor the document: `SuggestionText.invented`), so
 * the panels can show them apart. Ranges out of order, overlapping or out of
 * bounds are ignored rather than trusted.
 */
export interface TextPart {
  text: string;
  invented: boolean;
}

export function inventedParts(text: string, invented: readonly (readonly [number, number])[] = []): TextPart[] {
  const parts: TextPart[] = [];
  let at = 0;
  for (const [from, to] of invented) {
    if (!(Number.isInteger(from) && Number.isInteger(to) && from >= at && to > from && to <= text.length)) continue;
    if (from > at) parts.push({ text: text.slice(at, from), invented: false });
    parts.push({ text: text.slice(from, to), invented: true });
    at = to;
  }
  if (at < text.length || parts.length === 0) parts.push({ text: text.slice(at), invented: false });
  return parts;
}
