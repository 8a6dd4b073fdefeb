import { resolve } from 'node:path';

/** Everything Kehu reads from the environment, in one place (the README's configuration table). */
export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  demo: 'auto' | 'on' | 'off';
  adminEmail?: string;
  adminPassword?: string;
  masterKey?: string;
  sessionIdleMinutes: number;
  /** Failed sign-ins allowed per account per hour before it is throttled (ASVS: at most ~100). */
  maxFailedLoginsPerHour: number;
  /** Serve cookies with `Secure`; on by default when the public URL is https. */
  secureCookies: boolean;
  publicUrl: string;
  trustProxy: boolean;
  logLevel: string;
  /** Run background workers in this process (default) or not (`KEHU_WORKERS=0`). */
  runWorkers: boolean;
  /** Seconds between polls of an idle job queue (`KEHU_JOB_POLL_SECONDS`, default 2, minimum 0.5). */
  jobPollSeconds: number;
  /** Largest file an import accepts, in MB (`KEHU_IMPORT_MAX_MB`, default 200). */
  importMaxMb: number;
};

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  const publicUrl = env.KEHU_PUBLIC_URL ?? `http://localhost:${port}`;
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir: resolve(env.KEHU_DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    demo: env.KEHU_DEMO === '1' ? 'on' : env.KEHU_DEMO === '0' ? 'off' : 'auto',
    adminEmail: env.KEHU_ADMIN_EMAIL || undefined,
    adminPassword: env.KEHU_ADMIN_PASSWORD || undefined,
    masterKey: env.KEHU_MASTER_KEY || undefined,
    sessionIdleMinutes: Number(env.KEHU_SESSION_IDLE_MINUTES ?? 30),
    maxFailedLoginsPerHour: Number(env.KEHU_MAX_FAILED_LOGINS ?? 100),
    secureCookies: env.KEHU_SECURE_COOKIES ? env.KEHU_SECURE_COOKIES === '1' : publicUrl.startsWith('https:'),
    publicUrl,
    trustProxy: env.KEHU_TRUST_PROXY === '1',
    logLevel: env.KEHU_LOG_LEVEL ?? 'info',
    runWorkers: env.KEHU_WORKERS !== '0',
    jobPollSeconds: Math.max(0.5, Number(env.KEHU_JOB_POLL_SECONDS ?? 2) || 2),
    importMaxMb: Math.max(1, Number(env.KEHU_IMPORT_MAX_MB ?? 200) || 200),
  };
}
