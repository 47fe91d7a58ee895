import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const READY = /sandbox ready at (http:\/\/127\.0\.0\.1:(\d+)) \(region [^)]+\)/;

export interface SpawnedSandbox {
  endpoint: string;
  port: number;
  process: ChildProcess;
  /** SIGTERM, then the exit code (0 on a clean stop). */
  stop(): Promise<number | null>;
}

/**
 * Starts the BUILT CLI (`node bin/pantherctl.js sandbox start --port 0 ...args`) as its own
 * process and resolves once it prints its ready line. Run `npm run build` first.
 */
export function spawnSandbox(args: string[] = [], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<SpawnedSandbox> {
  const child = spawn(process.execPath, ['bin/pantherctl.js', 'sandbox', 'start', '--port', '0', ...args], {
    cwd: REPO,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let exited: Promise<number | null> | undefined;
  const exit = () =>
    (exited ??= new Promise<number | null>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
      else child.once('exit', (code) => resolve(code));
    }));
  exit();
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sandbox did not print its ready line within ${opts.timeoutMs ?? 20_000} ms\nstdout: ${out}\nstderr: ${err}`));
    }, opts.timeoutMs ?? 20_000);
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = READY.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        endpoint: m[1] as string,
        port: Number(m[2]),
        process: child,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exit();
        },
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited with ${code} before it was ready\nstdout: ${out}\nstderr: ${err}`));
    });
  });
}
