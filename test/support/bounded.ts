import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Runs a TypeScript script in a child process and parses the JSON it prints. The child is killed
 * (by its own PID, through execFile's timeout) if it runs past `boundMs`: work that could block the
 * event loop for minutes is tried where blocking harms nothing, with a bound far above what linear
 * code needs, so the test asserts that the work finished rather than how fast.
 */
export function inChild(script: URL, boundMs: number, args: string[] = []): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', fileURLToPath(script), ...args], { timeout: boundMs, killSignal: 'SIGKILL', maxBuffer: 1 << 20 }, (err, out, errOut) => {
      if (err) return reject(new Error(err.killed ? `${script.pathname} did not finish within ${boundMs} ms` : `${err.message}\n${errOut}`));
      resolve(JSON.parse(out));
    });
  });
}
