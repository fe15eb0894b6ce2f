/** The cached data sets the bench runs on, and the working copies figures are allowed to write to. */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { datasetPath, migrateForward, readInfo, type DatasetInfo } from './generate.ts';
import type { Plan } from './model.ts';

const OUT = 'bench-output';
const log = (line: string) => process.stderr.write(`${line}\n`);

/** The cached, pristine data set of a plan; generated in a child process so this process's peak RSS stays the service's. */
export async function ensureDataset(plan: Plan, fresh: boolean): Promise<{ path: string; info: DatasetInfo }> {
  const path = datasetPath(plan.scale, plan.seed);
  let info = fresh ? undefined : (readInfo(path) ?? (await migrateForward(path, log)));
  if (!info) {
    mkdirSync(`${OUT}/data`, { recursive: true });
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/bench/generate.ts', '--scale', String(plan.scale), '--seed', String(plan.seed), '--now', new Date(plan.now).toISOString(), '--out', path], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`data generation failed (exit ${r.status})`);
    info = readInfo(path);
    if (!info) throw new Error(`data generation did not complete: ${path}`);
  } else log(`using cached data set ${path} (${info.load.records.toLocaleString('en-US')} records, generated at ${Math.round(info.load.recordsPerSecond).toLocaleString('en-US')} records/s)`);
  return { path, info };
}

/** A working copy, so figures that write (ingest, rollups, alerts) never touch the cached data set. */
export function workingCopy(path: string, name: string): string {
  const work = `${OUT}/${name}.db`;
  for (const s of ['', '-wal', '-shm']) rmSync(`${work}${s}`, { force: true });
  copyFileSync(path, work);
  return work;
}

