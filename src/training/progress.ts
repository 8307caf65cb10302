// Training progress for people: a redrawn one-line bar on a terminal, plain periodic lines otherwise
// (logs, CI, pipes). Shows step, epoch, losses, images/s and the estimated time left.

/** One progress report from the loop. */
export interface ProgressReport {
  step: number;
  totalSteps: number;
  epoch: number;
  epochs: number;
  losses: Record<string, number>;
  imagesPerSec: number;
  /** Seconds left until the step or time budget ends. */
  etaSec: number;
}

/** Receives reports; `done` ends a redrawn line before other output follows. */
export interface Progress {
  update(report: ProgressReport): void;
  done(): void;
}

/** "1:02:03" or "2:03". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** The report as one line, with a bar when `barWidth` > 0. */
export function formatReport(r: ProgressReport, barWidth: number): string {
  const losses = Object.entries(r.losses).map(([name, value]) => `${name} ${value.toFixed(4)}`).join('  ');
  const fraction = r.totalSteps ? Math.min(1, r.step / r.totalSteps) : 0;
  const filled = Math.round(fraction * barWidth);
  const bar = barWidth ? `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ` : '';
  return `${bar}step ${r.step}/${r.totalSteps}  epoch ${r.epoch}/${r.epochs}  ${losses}  ${r.imagesPerSec.toFixed(0)} img/s  ETA ${formatDuration(r.etaSec)}`;
}

/**
 * A progress display on `stream`: a bar redrawn in place on a TTY, else a plain line at most every
 * `intervalSec` seconds.
 */
export function createProgress(stream: NodeJS.WriteStream = process.stderr, intervalSec = 10): Progress {
  if (stream.isTTY) {
    let drawn = false;
    return {
      update(report) {
        const width = stream.columns ?? 100;
        const line = formatReport(report, 20);
        stream.write(`\r${line.slice(0, width - 1).padEnd(width - 1)}`);
        drawn = true;
      },
      done() {
        if (drawn) stream.write('\n');
        drawn = false;
      },
    };
  }
  let last = -Infinity;
  return {
    update(report) {
      const now = performance.now() / 1000;
      if (now - last < intervalSec && report.step < report.totalSteps) return;
      last = now;
      stream.write(`${formatReport(report, 0)}\n`);
    },
    done() {},
  };
}
