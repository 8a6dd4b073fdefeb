import { execFile, fork } from 'node:child_process';
import { join } from 'node:path';

const here = import.meta.dirname;

export type LoadResult = {
  requestsPerSecond: number;
  latencyP50: number;
  latencyP99: number;
  latencyMax: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
};

export type LoadOptions = {
  url: string;
  connections: number;
  /** Seconds. */
  duration: number;
  headers?: Record<string, string>;
};

/** Runs autocannon in a child process (its own event loop and, on 2 cores, its own core). */
export function runLoad(opts: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(here, 'autocannon-child.mjs'), JSON.stringify(opts)],
      { maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`autocannon failed: ${err.message}\n${stderr}`));
        const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as LoadResult;
        if (result.non2xx || result.errors) {
          return reject(new Error(`${opts.url}: ${result.non2xx} non-2xx answers, ${result.errors} errors under load`));
        }
        resolve(result);
      },
    );
  });
}

export type Probe = { stop(): Promise<number[]> };

/** Starts a child that GETs `url` one request at a time until stopped; resolves its latencies (ms). */
export async function startProbe(url: string, pauseMs = 10): Promise<Probe> {
  const child = fork(join(here, 'probe-child.mjs'), [url, String(pauseMs)], { execArgv: [], stdio: 'inherit' });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('error', reject);
  });
  return {
    stop() {
      return new Promise((resolve, reject) => {
        child.once('message', (m: { latencies: number[] }) => resolve(m.latencies));
        child.once('exit', (code) => code && reject(new Error(`probe exited with ${code}`)));
        child.send('stop');
      });
    },
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function latencySummary(latencies: readonly number[]) {
  const s = [...latencies].sort((a, b) => a - b);
  return { count: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN };
}
