import type { FastifyPluginAsync } from 'fastify';
import type { AuditLog } from './audit/audit.service.ts';
import type { Config } from './config.ts';
import { createFieldEncryption, type FieldEncryption } from './crypto/encryption.service.ts';
import { loadMasterKey } from './crypto/master-key.ts';
import type { Db } from './db/db.ts';
import { createEvents, type Events } from './events/events.service.ts';
import { DomainError } from './http/errors.ts';
import { jobsRoutes } from './jobs/jobs.routes.ts';
import { createJobs, type Jobs } from './jobs/jobs.service.ts';
import type { Mailer } from './mail/mailer.ts';
import { createSmtpMailer } from './mail/smtp.mailer.ts';
import { settingsRoutes } from './settings/settings.routes.ts';
import { createSettings, type SettingsService } from './settings/settings.service.ts';

export type PlatformLog = { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };

/** The platform services a module may be given (list the ones it needs in its factory's deps). */
export type Platform = {
  db: Db;
  now: () => Date;
  audit: AuditLog;
  crypto: FieldEncryption;
  jobs: Jobs;
  events: Events;
  settings: SettingsService;
  /** SMTP from the current settings; throws MAIL_NOT_CONFIGURED (409) when none is set, MailError on failure. */
  mailer: Mailer;
};

export type PlatformRuntime = Platform & {
  /** Admin API for jobs, settings, mail test and encryption, mounted under /api/v1. */
  routes: FastifyPluginAsync;
  /** Start-up banner lines (the demo master-key warning). */
  notes: string[];
  /** Where platform services log once the app's logger exists. */
  useLogger(log: PlatformLog): void;
  /** Job queue schema and queues; workers, cron and maintenance when `config.runWorkers`. Call after every module defined its jobs. */
  start(): Promise<void>;
  stop(): Promise<void>;
};

export async function createPlatform(deps: {
  config: Config;
  db: Db;
  now: () => Date;
  audit: AuditLog;
}): Promise<PlatformRuntime> {
  const { config, db, now, audit } = deps;
  let log: PlatformLog | undefined;
  const lazyLog: PlatformLog = {
    warn: (o, m) => log?.warn(o, m),
    error: (o, m) => log?.error(o, m),
  };
  const master = loadMasterKey({ masterKey: config.masterKey, dataDir: config.dataDir });

  // jobs come first (encryption and events define theirs), settings last; cron reads the zone lazily
  const settingsRef: { current?: SettingsService } = {};
  const jobs = createJobs({
    db,
    runWorkers: config.runWorkers,
    pollingIntervalSeconds: config.jobPollSeconds,
    businessTimeZone: async () => (settingsRef.current ? settingsRef.current.timeZone() : 'Asia/Shanghai'),
    log: lazyLog,
  });
  const crypto = await createFieldEncryption({ db, master, jobs });
  const events = createEvents({ db, jobs, log: lazyLog });
  const settingsService = createSettings({
    db,
    encryption: crypto,
    onTimeZoneChange: (tz) => jobs.setBusinessTimeZone(tz),
  });
  settingsRef.current = settingsService;
  const mailer: Mailer = {
    async send(message) {
      const smtp = await settingsService.getSmtpConfig();
      if (!smtp) throw new DomainError('conflict', 'MAIL_NOT_CONFIGURED');
      return createSmtpMailer(smtp).send(message);
    },
  };

  const jobRoutes = jobsRoutes({ jobs, audit });
  const settingRoutes = settingsRoutes({ settings: settingsService, encryption: crypto, audit });

  return {
    db,
    now,
    audit,
    crypto,
    jobs,
    events,
    settings: settingsService,
    mailer,
    notes: master.warning ? [master.warning] : [],
    routes: async (app) => {
      await app.register(jobRoutes);
      await app.register(settingRoutes);
    },
    useLogger(l) {
      log = l;
    },
    start: () => jobs.start(),
    stop: () => jobs.stop(),
  };
}
