import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../platform/auth/actor.ts';
import { assertCan } from '../../platform/auth/actor.ts';
import {
  assertPasswordAcceptable,
  hashPassword,
  requireRecentReauth,
  type SessionStore,
} from '../../platform/auth/auth.ts';
import type { AuditLog } from '../../platform/audit/audit.service.ts';
import type { Db, Queryable } from '../../platform/db/db.ts';
import { commonErrors } from '../../platform/http/errors.ts';
import { toUser, type User } from './staff.dto.ts';
import { staffErrors } from './staff.errors.ts';
import { staffRepository as repo, type UserFilter } from './staff.repository.ts';

export type UserPage = { items: User[]; nextCursor: string | null };
export type ListUsersInput = Omit<UserFilter, 'after'> & { cursor?: string };
export type CreateUserInput = {
  name: string;
  email: string;
  mobile?: string | null;
  password: string;
  roleIds: string[];
  departmentId?: string | null;
  active?: boolean;
};
export type UpdateUserInput = Partial<{
  name: string;
  email: string;
  mobile: string | null;
  password: string;
  roleIds: string[];
  departmentId: string | null;
  active: boolean;
}>;

export function encodeCursor(name: string, id: string): string {
  return Buffer.from(JSON.stringify([name, id])).toString('base64url');
}
export function decodeCursor(cursor: string): { name: string; id: string } | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) {
      const [name, id] = value as [string, string];
      if (/^[0-9a-f-]{36}$/i.test(id)) return { name, id };
    }
  } catch {
    // fall through
  }
  return null;
}

/** Holding `staff.*` is not enough to act on someone mightier: that would be a way up. */
function assertWithinOwn(actor: Actor, permissions: Iterable<string>, field?: string): void {
  for (const p of permissions) {
    if (!actor.permissions.has(p as never)) throw staffErrors.exceedsOwnPermissions(p, field);
  }
}

/** Serialises "is this the last administrator?" checks between concurrent requests on PostgreSQL. */
async function lockAdministrators(tx: Queryable): Promise<void> {
  if (tx.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(7312)');
}

export type UsersService = ReturnType<typeof createUsersService>;

export function createUsersService(deps: { db: Db; audit: AuditLog; sessions: SessionStore; now: () => Date }) {
  const { db, audit, sessions, now } = deps;

  async function get(id: string, request: FastifyRequest): Promise<User> {
    const row = await repo.findUser(db, id);
    if (!row) throw commonErrors.notFound('user');
    return toUser(row, request.locale);
  }

  /** Checks the roles exist and that the actor may hand them out; returns their permissions. */
  async function checkRoles(tx: Queryable, actor: Actor, roleIds: string[]): Promise<void> {
    const roles = await repo.findRoles(tx, roleIds);
    if (roles.length !== new Set(roleIds).size) throw commonErrors.referenceMissing('roleIds');
    assertWithinOwn(
      actor,
      roles.flatMap((r) => r.permissions),
      'roleIds',
    );
  }

  async function checkDepartment(tx: Queryable, departmentId: string | null | undefined): Promise<void> {
    if (departmentId && !(await repo.findDepartment(tx, departmentId))) {
      throw commonErrors.referenceMissing('departmentId');
    }
  }

  return {
    get,

    async list(request: FastifyRequest, input: ListUsersInput): Promise<UserPage> {
      const after = input.cursor ? decodeCursor(input.cursor) : undefined;
      if (after === null) throw commonErrors.referenceMissing('cursor');
      const rows = await repo.listUsers(db, { ...input, after, limit: input.limit + 1 });
      const page = rows.slice(0, input.limit);
      const last = page[page.length - 1];
      return {
        items: page.map((r) => toUser(r, request.locale)),
        nextCursor: rows.length > input.limit && last ? encodeCursor(last.name, last.id) : null,
      };
    },

    async create(request: FastifyRequest, input: CreateUserInput): Promise<User> {
      const actor = request.actor as Actor;
      const roleIds = [...new Set(input.roleIds)];
      if (roleIds.length) {
        assertCan(actor, 'staff.manage');
        requireRecentReauth(request);
      }
      assertPasswordAcceptable(input.password);
      const passwordHash = await hashPassword(input.password);
      const id = await db.transaction(async (tx) => {
        await checkRoles(tx, actor, roleIds);
        await checkDepartment(tx, input.departmentId);
        const userId = await repo.insertUser(tx, {
          name: input.name,
          email: input.email,
          mobile: input.mobile ?? null,
          passwordHash,
          departmentId: input.departmentId ?? null,
          isActive: input.active ?? true,
          at: now(),
        });
        await repo.setUserRoles(tx, userId, roleIds);
        await audit.recordRequest(
          request,
          {
            action: 'user.created',
            entityType: 'user',
            entityId: userId,
            details: { roleIds, departmentId: input.departmentId ?? null, active: input.active ?? true },
          },
          tx,
        );
        return userId;
      });
      return get(id, request);
    },

    async update(request: FastifyRequest, id: string, input: UpdateUserInput): Promise<User> {
      const actor = request.actor as Actor;
      const current = await repo.findUser(db, id);
      if (!current) throw commonErrors.notFound('user');
      const currentRoleIds = current.roles.map((r) => r.id).sort();
      const roleIds = input.roleIds ? [...new Set(input.roleIds)].sort() : undefined;
      const rolesChange = roleIds !== undefined && roleIds.join() !== currentRoleIds.join();
      const isSelf = id === actor.userId;
      if (rolesChange) {
        assertCan(actor, 'staff.manage');
        requireRecentReauth(request);
      }
      if (input.password !== undefined && !isSelf) requireRecentReauth(request);
      if (input.active === false && isSelf) throw staffErrors.cannotDeactivateSelf();
      if (input.password !== undefined) assertPasswordAcceptable(input.password);
      const passwordHash = input.password !== undefined ? await hashPassword(input.password) : undefined;

      await db.transaction(async (tx) => {
        await lockAdministrators(tx);
        if (!isSelf) assertWithinOwn(actor, await repo.permissionsOf(tx, id));
        if (rolesChange) await checkRoles(tx, actor, roleIds);
        if (input.departmentId !== undefined) await checkDepartment(tx, input.departmentId);
        const wasAdmin = current.roles.some((r) => r.key === 'admin') && current.is_active;
        if (wasAdmin) {
          const adminRoleId = current.roles.find((r) => r.key === 'admin')?.id;
          const losesAdmin = input.active === false || (rolesChange && !roleIds.includes(adminRoleId ?? ''));
          if (losesAdmin && (await repo.countActiveAdministrators(tx, id)) === 0) throw staffErrors.lastAdministrator();
        }
        await repo.updateUser(
          tx,
          id,
          {
            name: input.name,
            email: input.email,
            mobile: input.mobile,
            department_id: input.departmentId,
            is_active: input.active,
            password_hash: passwordHash,
          },
          now(),
        );
        const changed = Object.entries(input)
          .filter(([k, v]) => v !== undefined && k !== 'roleIds')
          .map(([k]) => k);
        if (changed.length) {
          await audit.recordRequest(
            request,
            { action: 'user.updated', entityType: 'user', entityId: id, details: { fields: changed } },
            tx,
          );
        }
        if (rolesChange) {
          await repo.setUserRoles(tx, id, roleIds);
          await audit.recordRequest(
            request,
            {
              action: 'user.roles_changed',
              entityType: 'user',
              entityId: id,
              details: {
                added: roleIds.filter((r) => !currentRoleIds.includes(r)),
                removed: currentRoleIds.filter((r) => !roleIds.includes(r)),
              },
            },
            tx,
          );
        }
        if (input.active === false && current.is_active) {
          await audit.recordRequest(request, { action: 'user.deactivated', entityType: 'user', entityId: id }, tx);
        }
        // A new password set by someone else, or a deactivation, ends the user's sessions.
        if ((passwordHash && !isSelf) || input.active === false) await sessions.endAllForUser(id, undefined, tx);
        else if (passwordHash) await sessions.endAllForUser(id, actor.sessionId, tx);
      });
      return get(id, request);
    },

    /** Deactivates (never deletes: the audit log and records keep pointing at the user). */
    async deactivate(request: FastifyRequest, id: string): Promise<void> {
      const actor = request.actor as Actor;
      if (id === actor.userId) throw staffErrors.cannotDeactivateSelf();
      const current = await repo.findUser(db, id);
      if (!current) throw commonErrors.notFound('user');
      if (!current.is_active) return;
      await db.transaction(async (tx) => {
        await lockAdministrators(tx);
        assertWithinOwn(actor, await repo.permissionsOf(tx, id));
        if (current.roles.some((r) => r.key === 'admin') && (await repo.countActiveAdministrators(tx, id)) === 0) {
          throw staffErrors.lastAdministrator();
        }
        await repo.updateUser(tx, id, { is_active: false }, now());
        await sessions.endAllForUser(id, undefined, tx);
        await audit.recordRequest(request, { action: 'user.deactivated', entityType: 'user', entityId: id }, tx);
      });
    },
  };
}
