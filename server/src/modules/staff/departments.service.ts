import type { FastifyRequest } from 'fastify';
import type { AuditLog } from '../../platform/audit/audit.service.ts';
import type { Db } from '../../platform/db/db.ts';
import { commonErrors } from '../../platform/http/errors.ts';
import { toDepartment, type Department } from './staff.dto.ts';
import { staffErrors } from './staff.errors.ts';
import { staffRepository as repo } from './staff.repository.ts';

export type DepartmentInput = { name: string; parentId?: string | null; sortOrder?: number };

/** Departments form a tree: a parent must exist and may not be the department or below it. */
export function createDepartmentsService(deps: { db: Db; audit: AuditLog; now: () => Date }) {
  const { db, audit, now } = deps;

  async function getRow(id: string) {
    const row = await repo.findDepartment(db, id);
    if (!row) throw commonErrors.notFound('department');
    return row;
  }

  return {
    list: async (): Promise<Department[]> => (await repo.listDepartments(db)).map(toDepartment),

    async create(request: FastifyRequest, input: DepartmentInput): Promise<Department> {
      const id = await db.transaction(async (tx) => {
        if (input.parentId && !(await repo.findDepartment(tx, input.parentId))) {
          throw commonErrors.referenceMissing('parentId');
        }
        const departmentId = await repo.insertDepartment(tx, {
          name: input.name,
          parentId: input.parentId ?? null,
          sortOrder: input.sortOrder ?? 0,
          at: now(),
        });
        await audit.recordRequest(
          request,
          {
            action: 'department.created',
            entityType: 'department',
            entityId: departmentId,
            details: { parentId: input.parentId ?? null },
          },
          tx,
        );
        return departmentId;
      });
      return toDepartment(await getRow(id));
    },

    async update(request: FastifyRequest, id: string, input: Partial<DepartmentInput>): Promise<Department> {
      const current = await getRow(id);
      await db.transaction(async (tx) => {
        if (input.parentId) {
          if (!(await repo.findDepartment(tx, input.parentId))) throw commonErrors.referenceMissing('parentId');
          if ((await repo.ancestorsOf(tx, input.parentId)).includes(id)) throw staffErrors.departmentCycle();
        }
        await repo.updateDepartment(tx, id, {
          name: input.name ?? current.name,
          parentId: input.parentId !== undefined ? input.parentId : current.parent_id,
          sortOrder: input.sortOrder ?? current.sort_order,
        });
        await audit.recordRequest(
          request,
          {
            action: 'department.updated',
            entityType: 'department',
            entityId: id,
            details: { fields: Object.keys(input) },
          },
          tx,
        );
      });
      return toDepartment(await getRow(id));
    },

    async remove(request: FastifyRequest, id: string): Promise<void> {
      const current = await getRow(id);
      await db.transaction(async (tx) => {
        if (await repo.isDepartmentInUse(tx, id)) throw staffErrors.departmentNotEmpty();
        await repo.deleteDepartment(tx, id);
        await audit.recordRequest(
          request,
          { action: 'department.deleted', entityType: 'department', entityId: id, details: { name: current.name } },
          tx,
        );
      });
    },
  };
}
