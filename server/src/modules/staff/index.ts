import type { FastifyPluginAsync } from 'fastify';
import type { SessionStore } from '../../platform/auth/auth.ts';
import type { AuthDirectory } from '../../platform/auth/directory.ts';
import type { AuditLog } from '../../platform/audit/audit.service.ts';
import type { Db } from '../../platform/db/db.ts';
import { createDepartmentsService } from './departments.service.ts';
import { createRolesService } from './roles.service.ts';
import { createStaffDirectory } from './staff.directory.ts';
import { createStaffSeeder } from './staff.seed.ts';
import { staffRepository } from './staff.repository.ts';
import { staffRoutes } from './staff.routes.ts';
import { createUsersService } from './users.service.ts';

export type { User, Role, Department } from './staff.dto.ts';
export type { DepartmentSeed, UserSeed } from './staff.seed.ts';

export type StaffModule = {
  /** platform/auth's view of staff accounts (wire into createAuth). */
  directory: AuthDirectory;
  /** Seeds or refreshes the eight built-in roles; idempotent, run at every start. */
  init(): Promise<void>;
  /** Idempotent demo/fixture data: a department tree and users with built-in roles. */
  seeder: ReturnType<typeof createStaffSeeder>;
  /** Builds the routes once the session store exists (users' sessions end on deactivation). */
  routes(sessions: SessionStore): FastifyPluginAsync;
  /** Display names by user id (owners, authors); unknown ids are absent from the map. */
  userNames(ids: readonly string[]): Promise<Map<string, string>>;
};

/** Staff: users, roles, departments. */
export function createStaffModule(deps: { db: Db; audit: AuditLog; now: () => Date }): StaffModule {
  return {
    directory: createStaffDirectory(deps),
    init: () => staffRepository.seedBuiltInRoles(deps.db),
    userNames: (ids) => staffRepository.namesOf(deps.db, ids),
    seeder: createStaffSeeder(deps),
    routes: (sessions) =>
      staffRoutes({
        users: createUsersService({ ...deps, sessions }),
        roles: createRolesService(deps),
        departments: createDepartmentsService(deps),
      }),
  };
}
