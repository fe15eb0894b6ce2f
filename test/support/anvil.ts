import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface Anvil {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

const binary = () => join(dirname(createRequire(import.meta.url).resolve('@foundry-rs/anvil-linux-amd64/package.json')), 'bin', 'anvil');

/**
 * Starts the Anvil binary itself on 127.0.0.1 (so the PID we stop is Anvil's), on a port it picks
 * (`--port 0`, read back from "Listening on"), or on `port` when a test restarts a node where it was.
 * Its stdout is drained for as long as it runs: a full pipe would stall the node.
 */
export async function startAnvil(opts: { chainId?: number; port?: number; args?: string[] } = {}): Promise<Anvil> {
  const args = ['--host', '127.0.0.1', '--port', String(opts.port ?? 0), ...(opts.chainId ? ['--chain-id', String(opts.chainId)] : []), ...(opts.args ?? [])];
  const child = spawn(binary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`anvil did not start in 15 s:\n${seen.slice(-2000)}`)), 15_000);
    const onData = (b: Buffer) => {
      seen += b.toString();
      const m = /Listening on [\d.]+:(\d+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`anvil exited with ${code}:\n${seen.slice(-2000)}`));
    });
  });
  child.stdout.removeAllListeners('data');
  child.stderr.removeAllListeners('data');
  child.stdout.resume();
  child.stderr.resume();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(child.pid!, 'SIGTERM');
      await exited;
    },
  };
}
