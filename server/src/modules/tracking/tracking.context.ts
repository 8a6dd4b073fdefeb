import type { AuditLog } from '../../platform/audit/audit.service.ts';
import type { Db } from '../../platform/db/db.ts';
import type { Jobs } from '../../platform/jobs/jobs.service.ts';
import type { SettingsService } from '../../platform/settings/settings.service.ts';
import type { CustomersFace } from '../customers/index.ts';
import type { Limiter } from './domain/limiter.ts';
import type { KeyLookup } from './sources.repository.ts';

/** Verified write keys by prefix, for a few seconds: a tracking request should not cost a key look-up each time. */
export type KeyCache = {
  get(prefix: string): KeyLookup | null | undefined;
  set(prefix: string, lookup: KeyLookup | null): void;
  /** After a change to a source or its keys, so this process sees it at once (others within the TTL). */
  clear(): void;
};

/** What the tracking module's services are built from (wired once in index.ts). */
export type TrackingContext = {
  db: Db;
  audit: AuditLog;
  jobs: Jobs;
  settings: SettingsService;
  now: () => Date;
  customers: CustomersFace;
  limiter: Limiter;
  keys: KeyCache;
};

export function createKeyCache(ttlMs: number, clock: () => number = () => performance.now()): KeyCache {
  const entries = new Map<string, { lookup: KeyLookup | null; at: number }>();
  return {
    get(prefix) {
      const e = entries.get(prefix);
      if (!e) return undefined;
      if (clock() - e.at > ttlMs) {
        entries.delete(prefix);
        return undefined;
      }
      return e.lookup;
    },
    set(prefix, lookup) {
      // bounded: random prefixes from a scanner must not grow memory
      if (entries.size > 10_000) entries.clear();
      entries.set(prefix, { lookup, at: clock() });
    },
    clear: () => entries.clear(),
  };
}
