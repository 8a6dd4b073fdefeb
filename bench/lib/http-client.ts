// A small HTTP client for measuring one Kehu: a signed-in session (cookie + CSRF token),
// requests timed with the high-resolution clock, sequential and concurrent runs.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { percentile } from './load.ts';
import type { KehuChildOptions } from './kehu-child.ts';

export type Session = { base: string; headers: Record<string, string>; agent: http.Agent };
export type Answer = { status: number; body: string; ms: number };

export function send(s: Session, method: string, path: string, body?: unknown): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { ...s.headers };
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request(`${s.base}${path}`, { method, headers, agent: s.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          ms: Number(process.hrtime.bigint() - t0) / 1e6,
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Sends and parses JSON, failing loudly on an unexpected status. */
export async function call<T>(s: Session, method: string, path: string, body?: unknown, expect = [200]) {
  const a = await send(s, method, path, body);
  if (!expect.includes(a.status)) throw new Error(`${method} ${path} answered ${a.status}: ${a.body.slice(0, 300)}`);
  return { json: (a.body ? JSON.parse(a.body) : null) as T, ms: a.ms, status: a.status };
}

/** Signs in with email and password; the session carries the cookie and the CSRF token. */
export async function signInHttp(base: string, email: string, password: string, sockets = 8): Promise<Session> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const anon: Session = { base, headers: {}, agent };
  const login = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const payload = JSON.stringify({ email, password });
    const req = http.request(
      `${base}/api/v1/auth/login`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
  if (login.statusCode !== 200) throw new Error(`sign-in answered ${login.statusCode}`);
  const cookie = (login.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
  const session: Session = { ...anon, headers: { cookie } };
  const me = await call<{ csrfToken: string | null }>(session, 'GET', '/api/v1/me');
  if (me.json.csrfToken) session.headers['x-csrf-token'] = me.json.csrfToken;
  return session;
}

export type Timing = { count: number; p50: number; p95: number; p99: number; max: number; perSecond: number };

export function timing(latencies: readonly number[], elapsedMs: number): Timing {
  const s = [...latencies].sort((a, b) => a - b);
  return {
    count: s.length,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: s[s.length - 1] ?? NaN,
    perSecond: (s.length * 1000) / elapsedMs,
  };
}

/** `count` calls one after another (one in flight); `step(i)` does one and returns its latency. */
export async function sequential(count: number, step: (i: number) => Promise<number>): Promise<Timing> {
  const latencies: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < count; i++) latencies.push(await step(i));
  return timing(latencies, performance.now() - t0);
}

/** `connections` loops (numbered 0…) calling `step` until `durationMs` is over (or `max` calls are done). */
export async function concurrent(
  connections: number,
  durationMs: number,
  step: (i: number, loop: number) => Promise<number>,
  max = Infinity,
): Promise<Timing> {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  const until = t0 + durationMs;
  await Promise.all(
    Array.from({ length: connections }, async (_, loop) => {
      while (performance.now() < until && next < max) latencies.push(await step(next++, loop));
    }),
  );
  return timing(latencies, performance.now() - t0);
}

// ── Kehu in a child process ─────────────────────────────────────────────────────────────────

export type KehuProcess = {
  url: string;
  pid: number;
  /** VmRSS and VmHWM (peak) of the process, in bytes (Linux /proc). */
  memory(): { rss: number; peak: number };
  stop(): Promise<void>;
};

function procStatus(pid: number): { rss: number; peak: number } {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return { rss: NaN, peak: NaN };
  }
}

/** Starts Kehu (bench/lib/kehu-child.ts) on an existing database and waits until it listens. */
export async function startKehuProcess(opts: KehuChildOptions): Promise<KehuProcess> {
  const child: ChildProcess = fork(join(import.meta.dirname, 'kehu-child.ts'), [JSON.stringify(opts)], {
    execArgv: [
      '--import',
      'tsx',
      ...(process.env.BENCH_KEHU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_KEHU_PROF}`] : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m: { url: string }) => resolve(m.url));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`Kehu exited with ${code} before listening`)));
  });
  return {
    url,
    pid: child.pid!,
    memory: () => procStatus(child.pid!),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.send('stop');
      }),
  };
}
