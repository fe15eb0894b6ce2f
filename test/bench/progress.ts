/** A one-line progress report with its own rate: redrawn in place on a terminal, a line every 10 s in CI logs. */
export class Progress {
  private readonly started = performance.now();
  private lastDraw = 0;
  private lastValue = 0;
  private lastMark: number | undefined;
  private value = 0;
  private extra: Record<string, number> = {};
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly unit: string,
  ) {}

  update(value: number, extra: Record<string, number> = {}) {
    this.value = value;
    this.extra = extra;
    const now = performance.now();
    if (now - this.lastDraw < (this.tty ? 500 : 10_000)) return;
    this.lastDraw = now;
    this.draw(false);
  }

  done() {
    this.draw(true);
  }

  private draw(final: boolean) {
    const seconds = (performance.now() - this.started) / 1000;
    const rate = this.value / Math.max(seconds, 1e-3);
    // The rate since the last line shows how ingest slows as the store grows.
    const sinceLast = (this.value - this.lastValue) / Math.max((performance.now() - (this.lastMark ?? this.started)) / 1000, 1e-3);
    this.lastValue = this.value;
    this.lastMark = performance.now();
    const pct = Math.min(100, (this.value / this.total) * 100);
    const eta = rate > 0 ? Math.max(0, (this.total - this.value) / rate) : 0;
    const width = 24;
    const filled = Math.round((pct / 100) * width);
    const extra = Object.entries(this.extra).map(([k, v]) => ` · ${k} ${v.toLocaleString('en-US')}`).join('');
    const line =
      `[${this.label}] [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct.toFixed(1)}% ${this.value.toLocaleString('en-US')}/~${this.total.toLocaleString('en-US')} ${this.unit}` +
      ` · ${Math.round(rate).toLocaleString('en-US')} ${this.unit}/s (now ${Math.round(sinceLast).toLocaleString('en-US')}/s)${extra} · ${fmt(seconds)} elapsed${final ? '' : ` · ETA ${fmt(eta)}`}`;
    process.stderr.write(this.tty ? `\r${line.padEnd(150)}${final ? '\n' : ''}` : `${line}\n`);
  }
}

function fmt(s: number): string {
  if (s < 90) return `${Math.round(s)}s`;
  if (s < 5400) return `${Math.round(s / 60)}m`;
  return `${(s / 3600).toFixed(1)}h`;
}
