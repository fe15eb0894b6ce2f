// A real service process (src/main.ts through tsx, as `npm run dev` starts it) on 127.0.0.1 and a
// free port, for tests with several instances; stopped by its own PID.
import { spawn } from 'node:child_process';
import { freePort } from './net.ts';

export interface Service {
  url: string;
  pid: number;
  /** Everything it printed, for failure messages. */
  output(): string;
  alive(): boolean;
  stop(): Promise<void>;
}

const running = new Set<number>();
process.once('exit', () => {
  for (const pid of running) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Starts the service with `env` (DATABASE_URL at least) and resolves once it answers HTTP. */
export async function startService(env: Record<string, string>): Promise<Service> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), SEED_DEMO: 'false', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child.pid!);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => void (out = (out + d.toString()).slice(-20_000)));
  child.stderr!.on('data', (d: Buffer) => void (out = (out + d.toString()).slice(-20_000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGTERM');
    await exited;
    running.delete(child.pid!);
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}:\n${out}`);
    if (await fetch(`${url}/healthz`).then(() => true, () => false)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`service did not answer on ${url} within 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, pid: child.pid!, output: () => out, alive: () => child.exitCode === null && child.signalCode === null, stop };
}
