import type { Db } from '../../platform/db/db.ts';
import type { AuditLog } from '../../platform/audit/audit.service.ts';
import { hashPassword } from '../../platform/auth/auth.ts';
import type { BuiltInRoleKey } from '../../platform/auth/permissions.ts';
import { staffRepository as repo } from './staff.repository.ts';

export type DepartmentSeed = { name: string; children?: DepartmentSeed[] };
export type UserSeed = {
  name: string;
  email: string;
  mobile?: string;
  password: string;
  roles: BuiltInRoleKey[];
  department: string;
};

/**
 * Demo and fixture data for staff, written as the system (no request, no permission checks) and
 * idempotent: a department or user that already exists (by name under its parent / by email) is
 * left as it is, so loading demo data twice changes nothing.
 */
export function createStaffSeeder(deps: { db: Db; audit: AuditLog; now: () => Date }) {
  return {
    async seed(departments: DepartmentSeed[], users: UserSeed[]): Promise<{ departments: number; users: number }> {
      const { db, now } = deps;
      let createdDepartments = 0;
      let createdUsers = 0;
      const hashes = await Promise.all(users.map((u) => hashPassword(u.password)));
      await db.transaction(async (tx) => {
        const ids = new Map<string, string>();
        const walk = async (nodes: DepartmentSeed[], parentId: string | null) => {
          for (const [i, node] of nodes.entries()) {
            const [found] = await tx.query<{ id: string }>(
              'SELECT id FROM departments WHERE name = $1 AND parent_id IS NOT DISTINCT FROM $2',
              [node.name, parentId],
            );
            const id =
              found?.id ?? (await repo.insertDepartment(tx, { name: node.name, parentId, sortOrder: i, at: now() }));
            if (!found) createdDepartments++;
            ids.set(node.name, id);
            await walk(node.children ?? [], id);
          }
        };
        await walk(departments, null);
        for (const [i, u] of users.entries()) {
          if (await repo.findAccountByEmail(tx, u.email)) continue;
          const userId = await repo.insertUser(tx, {
            name: u.name,
            email: u.email,
            mobile: u.mobile ?? null,
            passwordHash: hashes[i],
            departmentId: ids.get(u.department) ?? null,
            isActive: true,
            at: now(),
          });
          for (const key of u.roles) await repo.addRoleByKey(tx, userId, key);
          createdUsers++;
        }
        await deps.audit.record(
          {
            action: 'demo.staff_seeded',
            details: { departments: createdDepartments, users: createdUsers },
          },
          tx,
        );
      });
      return { departments: createdDepartments, users: createdUsers };
    },
  };
}
