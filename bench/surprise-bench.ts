/**
 * The surprise map's figures for `npm run bench` (keys under `surprise.`):
 * ms_per_1k_chars, scoring speed of main's service (whole-sequence passes,
 * paragraphs of a novel with their 256-character contexts, nothing cached);
 * ghost_p50_ms_while_scoring and ghost_p95_ms_while_scoring, keystroke ->
 * ghost text while the service keeps scoring a novel-length document in the
 * same thread (as main does with the map on), one keystroke every
 * TYPING_INTERVAL_MS, each measured from when its keystroke was due; and
 * ghost_p50_ms_alone, ghost_p95_ms_alone, the same typing with no scoring.
 * The novel is bench/data/moby-dick.txt, its paragraphs unwrapped to one line each.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SurpriseService } from '../src/main/services/surprise';
import type { CharModel } from '../src/model/storage/persistence';
import { SuggestionSession } from '../src/model/suggesting/session';
import { DEFAULT_SETTINGS } from '../src/shared/settings';
import { median, percentile, round } from './stats';

const TYPING_INTERVAL_MS = 120;

/** The novel as a writer's document (a paragraph per line), and its paragraphs each with the text before it. */
function paragraphsOf(novel: string): { context: string; text: string }[] {
  const text = novel
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n\n');
  const out: { context: string; text: string }[] = [];
  let at = 0;
  for (const line of text.split('\n')) {
    if (line.trim()) out.push({ context: text.slice(Math.max(0, at - 512), at), text: line });
    at += line.length + 1;
  }
  return out;
}

export async function surpriseSpeed(model: CharModel, modelDir: string, novel: string, keystrokes: number) {
  if (!existsSync(join(modelDir, 'penwright.json'))) return { skipped: 'no default model to score with' };
  let busy = 0;
  let idle: (() => void)[] = [];
  const service = new SurpriseService({
    modelDir: () => modelDir,
    activeModelId: () => 'default',
    modelVersion: async () => 'bench',
    suggestionsIdle: () => (busy ? new Promise<void>((r) => idle.push(r)) : Promise.resolve()),
  });
  const paragraphs = paragraphsOf(novel);
  // scoring speed alone: 32 paragraphs per request, as the renderer sends them
  const sample = paragraphs.slice(0, 320);
  const chars = sample.reduce((n, p) => n + p.text.length, 0);
  await service.score({ docId: 'warm', purpose: 'map', compare: false, paragraphs: paragraphs.slice(400, 402) });
  const t0 = performance.now();
  for (let i = 0; i < sample.length; i += 32) {
    await service.score({ docId: 'bench', purpose: 'map', compare: false, paragraphs: sample.slice(i, i + 32) });
  }
  const msPer1k = ((performance.now() - t0) / chars) * 1000;

  const session = new SuggestionSession(model);
  const ghost = {
    minConfidence: DEFAULT_SETTINGS.suggestionConfidence,
    maxChars: DEFAULT_SETTINGS.suggestionChars,
    stop: DEFAULT_SETTINGS.stopRule,
  };
  let typed = novel.slice(0, 1000);
  session.setText(typed);
  /** Types `n` characters at the typing pace; each keystroke's time to its ghost text. */
  const type = async (n: number) => {
    const latencies: number[] = [];
    let due = performance.now() + TYPING_INTERVAL_MS;
    for (const ch of novel.slice(typed.length, typed.length + n)) {
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      busy++;
      typed += ch;
      session.setText(typed);
      await session.ghost(ghost);
      busy--;
      if (!busy) for (const r of idle.splice(0)) r();
      latencies.push(performance.now() - due);
      due = performance.now() + TYPING_INTERVAL_MS;
    }
    return latencies;
  };
  const alone = await type(Math.max(20, keystrokes >> 1));
  // the same typing while the map keeps scoring the rest of the novel
  let scoring = true;
  const background = (async () => {
    for (let i = 320; scoring && i < paragraphs.length; i += 32) {
      await service.score({ docId: 'bench', purpose: 'map', compare: false, paragraphs: paragraphs.slice(i, i + 32) });
    }
  })();
  const latencies = await type(keystrokes);
  scoring = false;
  await background;
  session.dispose();
  const scored = service.scoredParagraphs;
  service.release();
  idle = [];
  return {
    ms_per_1k_chars: round(msPer1k),
    chars_timed: chars,
    ghost_p50_ms_while_scoring: round(median(latencies)),
    ghost_p95_ms_while_scoring: round(percentile(latencies, 95)),
    ghost_p50_ms_alone: round(median(alone)),
    ghost_p95_ms_alone: round(percentile(alone, 95)),
    keystrokes: latencies.length,
    paragraphs_scored: scored,
  };
}
