import type { AuthDirectory } from '../../platform/auth/directory.ts';
import { isPermission, type Permission } from '../../platform/auth/permissions.ts';
import type { Db } from '../../platform/db/db.ts';
import { isLocale } from '../../platform/i18n/i18n.ts';
import { toUser } from './staff.dto.ts';
import { staffRepository as repo } from './staff.repository.ts';

/** The staff module's side of platform/auth's port: accounts, permissions, profile. */
export function createStaffDirectory(deps: { db: Db; now: () => Date }): AuthDirectory {
  const { db, now } = deps;
  const toAccount = (row: { id: string; password_hash: string | null; is_active: boolean } | null) =>
    row ? { userId: row.id, passwordHash: row.password_hash, isActive: row.is_active } : null;

  return {
    findAccountByEmail: async (email) => toAccount(await repo.findAccountByEmail(db, email)),
    findAccountById: async (userId) => toAccount(await repo.findAccountById(db, userId)),

    async loadUserActor(userId) {
      const user = await repo.findActorBasics(db, userId);
      if (!user?.is_active) return null;
      const permissions = new Set(user.permissions.filter(isPermission) as Permission[]);
      return { userId, name: user.name, permissions, locale: isLocale(user.locale) ? user.locale : undefined };
    },

    async findProfile(userId, locale) {
      const row = await repo.findUser(db, userId);
      if (!row) return null;
      const { id, name, email, mobile, locale: own, department, roles } = toUser(row, locale);
      return { id, name, email, mobile, locale: own, department, roles };
    },

    async updateProfile(userId, changes) {
      await repo.updateUser(db, userId, { name: changes.name, locale: changes.locale }, now());
    },

    async setPasswordHash(userId, passwordHash) {
      await repo.updateUser(db, userId, { password_hash: passwordHash }, now());
    },

    countUsers: () => repo.countUsers(db),

    async createAdministrator(input) {
      return db.transaction(async (tx) => {
        if (input.onlyIfNoUsers) {
          // Two setup requests at once must not both create an administrator.
          if (tx.kind === 'postgres') await tx.query('LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE');
          if ((await repo.countUsers(tx)) > 0) return null;
        }
        const id = await repo.insertUser(tx, {
          name: input.name,
          email: input.email,
          mobile: null,
          passwordHash: input.passwordHash,
          departmentId: null,
          isActive: true,
          at: now(),
        });
        await repo.addRoleByKey(tx, id, 'admin');
        return id;
      });
    },

    async restoreAdministrator(userId, passwordHash) {
      await db.transaction(async (tx) => {
        await repo.updateUser(tx, userId, { password_hash: passwordHash, is_active: true }, now());
        await repo.addRoleByKey(tx, userId, 'admin');
      });
    },

    findUserIdByEmail: async (email) => (await repo.findAccountByEmail(db, email))?.id ?? null,
  };
}
