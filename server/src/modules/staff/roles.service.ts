import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../platform/auth/actor.ts';
import { requireRecentReauth } from '../../platform/auth/auth.ts';
import type { AuditLog } from '../../platform/audit/audit.service.ts';
import type { Db } from '../../platform/db/db.ts';
import { commonErrors } from '../../platform/http/errors.ts';
import { toRole, type Role } from './staff.dto.ts';
import { staffErrors } from './staff.errors.ts';
import { staffRepository as repo } from './staff.repository.ts';

export type RoleInput = { name: string; description?: string | null; permissions: string[] };

/** Custom roles: a name and a set of `<module>.<action>` permissions; built-ins are read-only. */
export function createRolesService(deps: { db: Db; audit: AuditLog; now: () => Date }) {
  const { db, audit, now } = deps;

  function checkPermissions(actor: Actor, permissions: string[]): string[] {
    const unique = [...new Set(permissions)].sort();
    const beyond = unique.find((p) => !actor.permissions.has(p as never));
    if (beyond) throw staffErrors.exceedsOwnPermissions(beyond, 'permissions');
    return unique;
  }

  async function getRow(id: string) {
    const row = await repo.findRole(db, id);
    if (!row) throw commonErrors.notFound('role');
    return row;
  }

  return {
    list: async (request: FastifyRequest): Promise<Role[]> =>
      (await repo.listRoles(db)).map((r) => toRole(r, request.locale)),

    get: async (request: FastifyRequest, id: string): Promise<Role> => toRole(await getRow(id), request.locale),

    async create(request: FastifyRequest, input: RoleInput): Promise<Role> {
      requireRecentReauth(request);
      const permissions = checkPermissions(request.actor as Actor, input.permissions);
      const id = await db.transaction(async (tx) => {
        const roleId = await repo.insertRole(tx, {
          name: input.name,
          description: input.description ?? null,
          permissions,
          at: now(),
        });
        await audit.recordRequest(
          request,
          { action: 'role.created', entityType: 'role', entityId: roleId, details: { permissionsAdded: permissions } },
          tx,
        );
        return roleId;
      });
      return toRole(await getRow(id), request.locale);
    },

    async update(request: FastifyRequest, id: string, input: Partial<RoleInput>): Promise<Role> {
      requireRecentReauth(request);
      const current = await getRow(id);
      if (current.is_built_in) throw staffErrors.roleBuiltIn();
      const actor = request.actor as Actor;
      // Editing a role one could not have created would hand its holders more than the editor has.
      checkPermissions(actor, current.permissions);
      const permissions = input.permissions ? checkPermissions(actor, input.permissions) : current.permissions;
      await db.transaction(async (tx) => {
        await repo.updateRole(tx, id, {
          name: input.name ?? current.name,
          description: input.description !== undefined ? input.description : current.description,
          permissions,
          at: now(),
        });
        await audit.recordRequest(
          request,
          {
            action: 'role.updated',
            entityType: 'role',
            entityId: id,
            details: {
              fields: Object.keys(input),
              permissionsAdded: permissions.filter((p) => !current.permissions.includes(p)),
              permissionsRemoved: current.permissions.filter((p) => !permissions.includes(p)),
            },
          },
          tx,
        );
      });
      return toRole(await getRow(id), request.locale);
    },

    async remove(request: FastifyRequest, id: string): Promise<void> {
      requireRecentReauth(request);
      const current = await getRow(id);
      if (current.is_built_in) throw staffErrors.roleBuiltIn();
      if (current.user_count > 0) throw staffErrors.roleInUse(current.user_count);
      await db.transaction(async (tx) => {
        await repo.deleteRole(tx, id);
        await audit.recordRequest(
          request,
          {
            action: 'role.deleted',
            entityType: 'role',
            entityId: id,
            details: { name: current.name, permissionsRemoved: current.permissions },
          },
          tx,
        );
      });
    },
  };
}
