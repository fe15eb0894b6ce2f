import type { ImportProgress, ImportReport } from '../../commands/import.ts';
import { fmtInt } from '../render/format.ts';

/** The import's progress on stderr: lines done of the file, records stored per second, time left. */
export async function progressBar() {
  const { SingleBar, Presets } = await import('cli-progress');
  const started = performance.now();
  const bar = new SingleBar(
    { format: 'import [{bar}] {percentage}% | line {value}/{total} | {rate} records/s | ETA {eta_formatted}{phase}', etaBuffer: 20, hideCursor: true },
    Presets.shades_classic,
  );
  let begun = false;
  return {
    update: (p: ImportProgress) => {
      const rate = fmtInt(Math.round(p.stored / Math.max(0.001, (performance.now() - started) / 1000)));
      const payload = { rate, phase: p.checking ? ' | checking the rest, storing nothing more' : '' };
      if (!begun) bar.start(p.lines, p.line, payload), (begun = true);
      else bar.update(p.line, payload);
    },
    stop: () => begun && bar.stop(),
  };
}

const range = (from: number, to: number) => (from === to ? `line ${fmtInt(from)}` : `lines ${fmtInt(from)}–${fmtInt(to)}`);

/** What the import did, said exactly: which lines were stored, how, and every bad line (or the first N). */
export function importSummary(r: ImportReport): { out?: string; err?: string } {
  const s = r.stored;
  const rate = fmtInt(Math.round(s.records / Math.max(0.001, r.seconds)));
  const how = `${fmtInt(s.accepted)} new record(s), ${fmtInt(s.duplicates)} already stored, ${fmtInt(s.ignored)} with only placeholder identifiers`;
  if (!r.badLines) return { out: `Imported ${how}; ${rate} records/s.` };
  const listed = r.issues.map((i) => `  line ${i.line}: ${i.path}: ${i.message}`);
  const more = r.badLines > new Set(r.issues.map((i) => i.line)).size ? [`  … and more: ${fmtInt(r.badLines)} bad line(s) in all`] : [];
  const stored = s.throughLine
    ? `Stored ${range(1, s.throughLine)}: ${how}.`
    : 'Stored nothing: the first batch already had a bad line.';
  const notStored = s.throughLine < r.lines ? `Not stored: ${range(s.throughLine + 1, r.lines)} (the first batch with a bad line, and everything after it).` : '';
  return {
    err: [
      `${fmtInt(r.badLines)} bad line(s) in ${fmtInt(r.lines)}:`,
      ...listed,
      ...more,
      stored,
      notStored,
      'Fix the lines and import the whole file again: records with an id are never stored twice.',
    ].filter(Boolean).join('\n'),
  };
}
