import type { AuditLog } from '../audit/audit.service.ts';
import type { Config } from '../config.ts';
import type { AuthDirectory } from './directory.ts';
import { assertPasswordAcceptable, hashPassword } from './password.ts';
import type { SessionStore } from './session.service.ts';

/**
 * `KEHU_ADMIN_EMAIL` + `KEHU_ADMIN_PASSWORD` at start-up: create the first administrator, or
 * reset that user's password, re-activate them and give back the administrator role. Returns
 * a line for the start-up banner (never the password), or null when not configured.
 */
export async function bootstrapAdministrator(deps: {
  directory: AuthDirectory;
  audit: AuditLog;
  sessions: SessionStore;
  config: Pick<Config, 'adminEmail' | 'adminPassword'>;
}): Promise<string | null> {
  const { adminEmail: email, adminPassword: password } = deps.config;
  if (!email || !password) return null;
  try {
    assertPasswordAcceptable(password);
  } catch {
    throw new Error('KEHU_ADMIN_PASSWORD is refused: use 12–64 characters that are not a common password');
  }
  const passwordHash = await hashPassword(password);
  const existing = await deps.directory.findUserIdByEmail(email);
  if (existing) {
    await deps.directory.restoreAdministrator(existing, passwordHash);
    await deps.sessions.endAllForUser(existing);
    await deps.audit.record({
      action: 'auth.admin_restored',
      entityType: 'user',
      entityId: existing,
      details: { source: 'KEHU_ADMIN_EMAIL' },
    });
    return `administrator ${email}: password reset from KEHU_ADMIN_PASSWORD`;
  }
  const name = email.split('@')[0] || 'admin';
  const id = await deps.directory.createAdministrator({ name, email, passwordHash });
  await deps.audit.record({
    action: 'auth.admin_created',
    entityType: 'user',
    entityId: id ?? undefined,
    details: { source: 'KEHU_ADMIN_EMAIL' },
  });
  return `administrator ${email} created from KEHU_ADMIN_EMAIL`;
}
