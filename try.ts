import { initBackend } from './src/model/backend';
import { readCorpus } from './src/model/corpus';
import { train } from './src/model/train';
import { loadModel } from './src/model/persistence';
await initBackend();
const c = await readCorpus(['../shared/corpora/alice-in-wonderland.txt']);
console.log(c.summary.characters, c.summary.distinctCharacters);
const r = await train({
  documents: c.documents.map((d) => d.text),
  corpusSummary: c.summary,
  preset: 'S',
  maxSteps: 60,
  evalEverySteps: 20,
  outDir: '/tmp/pw-try',
  maxValidationWindows: 64,
  onProgress: (p) => {
    if (p.phase !== 'training' || p.step % 10 === 0)
      console.log(
        p.phase,
        p.step,
        p.trainLoss?.toFixed(3),
        p.valLoss?.toFixed(3),
        p.charsPerSecond.toFixed(0),
        p.etaSeconds?.toFixed(1),
      );
  },
});
console.log(r.stoppedBy, r.steps, r.charsPerSecond.toFixed(0), r.model.meta.metrics);
const m = await loadModel('/tmp/pw-try');
console.log(m.meta.training.history.length, m.vocab.size);
