/** Training progress on a terminal (a progress bar) or as JSON lines. */
import cliProgress from 'cli-progress';
import type { TrainProgress } from '../training/train';

export interface ProgressSink {
  update(p: TrainProgress): void;
  stop(): void;
}

function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return m >= 60
    ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`
    : `${m}m${String(s % 60).padStart(2, '0')}s`;
}

const fmt = (x: number | null) => (x === null ? '--' : x.toFixed(3));

export function jsonLinesSink(write: (line: string) => void): ProgressSink {
  let lastStep = -1;
  return {
    update(p) {
      // one line per step or phase change, not per repeated report
      if (p.phase === 'training' && p.step === lastStep) return;
      lastStep = p.step;
      write(JSON.stringify({ event: 'progress', ...p }));
    },
    stop() {},
  };
}

export function terminalSink(stream: NodeJS.WriteStream): ProgressSink {
  if (!stream.isTTY) {
    let last = 0;
    return {
      update(p) {
        const now = Date.now();
        if (p.phase === 'training' && now - last < 10_000) return;
        last = now;
        stream.write(
          `${p.phase} step ${p.step} chars ${p.charsSeen} loss ${fmt(p.trainLoss)} val ${fmt(p.valLoss)} ` +
            `${Math.round(p.charsPerSecond)} chars/s, ${formatDuration(p.etaSeconds)} left\n`,
        );
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format:
        '{bar} {percentage}% | step {step} | loss {loss} | val {val} | {rate} chars/s | {eta_text} left | {phase}',
      hideCursor: true,
      stream,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1000, 0, { step: 0, loss: '--', val: '--', rate: 0, eta_text: '--', phase: 'starting' });
  return {
    update(p) {
      bar.update(Math.round(p.fraction * 1000), {
        step: p.step,
        loss: fmt(p.trainLoss),
        val: fmt(p.valLoss),
        rate: Math.round(p.charsPerSecond),
        eta_text: formatDuration(p.etaSeconds),
        phase: p.phase,
      });
    },
    stop() {
      bar.stop();
    },
  };
}
