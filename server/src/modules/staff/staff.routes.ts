import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { allPermissions } from '../../platform/auth/permissions.ts';
import { locales } from '../../platform/i18n/i18n.ts';
import type { createDepartmentsService } from './departments.service.ts';
import type { createRolesService } from './roles.service.ts';
import type { UsersService } from './users.service.ts';

const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    requestId: z.string(),
    fields: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })).optional(),
  }),
});
const errors = { 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };

const Name = z.string().trim().min(1).max(100);
const Email = z.email().max(254);
const Mobile = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 -]{4,19}$/, 'invalid_mobile');
// The password policy (12–64, not common) runs in the service and names its reason.
const Password = z.string().max(1024);
const Permissions = z
  .array(z.string().refine((p) => (allPermissions as string[]).includes(p), 'invalid_permission'))
  .max(allPermissions.length);

export const UserDto = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  mobile: z.string().nullable(),
  locale: z.enum(locales).nullable(),
  department: z.object({ id: z.string(), name: z.string() }).nullable(),
  roles: z.array(z.object({ id: z.string(), key: z.string().nullable(), name: z.string() })),
  active: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export const RoleDto = z.object({
  id: z.string(),
  key: z.string().nullable(),
  name: z.string(),
  description: z.string().nullable(),
  permissions: z.array(z.string()),
  isBuiltIn: z.boolean(),
  userCount: z.number().int(),
});
export const DepartmentDto = z.object({
  id: z.string(),
  name: z.string(),
  parentId: z.string().nullable(),
  sortOrder: z.number().int(),
  userCount: z.number().int(),
});

export const ListUsersQuery = z.strictObject({
  q: z.string().trim().max(100).optional(),
  departmentId: z.uuid().optional(),
  roleId: z.uuid().optional(),
  active: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export const CreateUserBody = z.strictObject({
  name: Name,
  email: Email,
  mobile: Mobile.nullable().optional(),
  password: Password,
  roleIds: z.array(z.uuid()).max(50),
  departmentId: z.uuid().nullable().optional(),
  active: z.boolean().optional(),
});
export const UpdateUserBody = z.strictObject({
  name: Name.optional(),
  email: Email.optional(),
  mobile: Mobile.nullable().optional(),
  password: Password.optional(),
  roleIds: z.array(z.uuid()).max(50).optional(),
  departmentId: z.uuid().nullable().optional(),
  active: z.boolean().optional(),
});
export const CreateRoleBody = z.strictObject({
  name: Name,
  description: z.string().trim().max(500).nullable().optional(),
  permissions: Permissions,
});
export const UpdateRoleBody = CreateRoleBody.partial();
export const CreateDepartmentBody = z.strictObject({
  name: Name,
  parentId: z.uuid().nullable().optional(),
  sortOrder: z.number().int().min(0).max(1_000_000).optional(),
});
export const UpdateDepartmentBody = CreateDepartmentBody.partial();
const IdParams = z.strictObject({ id: z.uuid() });

export function staffRoutes(deps: {
  users: UsersService;
  roles: ReturnType<typeof createRolesService>;
  departments: ReturnType<typeof createDepartmentsService>;
}): FastifyPluginAsync {
  const { users, roles, departments } = deps;
  return async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();

    // ── users ──────────────────────────────────────────────────────────────────────────
    let tags = ['users'];
    app.get(
      '/users',
      {
        config: { access: 'staff.view' },
        schema: {
          tags,
          summary: 'Users, by name, keyset-paged',
          querystring: ListUsersQuery,
          response: { 200: z.object({ items: z.array(UserDto), nextCursor: z.string().nullable() }), ...errors },
        },
      },
      async (request) => {
        const { active, ...rest } = request.query;
        return users.list(request, { ...rest, active: active === undefined ? undefined : active === 'true' });
      },
    );
    app.post(
      '/users',
      {
        config: { access: 'staff.create' },
        schema: {
          tags,
          summary: 'Create a user (giving roles needs staff.manage and a recent re-authentication)',
          body: CreateUserBody,
          response: { 201: UserDto, ...errors },
        },
      },
      async (request, reply) => reply.status(201).send(await users.create(request, request.body)),
    );
    app.get(
      '/users/:id',
      { config: { access: 'staff.view' }, schema: { tags, params: IdParams, response: { 200: UserDto, ...errors } } },
      async (request) => users.get(request.params.id, request),
    );
    app.patch(
      '/users/:id',
      {
        config: { access: 'staff.edit' },
        schema: {
          tags,
          summary:
            'Change a user (roles: staff.manage + re-authentication; another user’s password: re-authentication)',
          params: IdParams,
          body: UpdateUserBody,
          response: { 200: UserDto, ...errors },
        },
      },
      async (request) => users.update(request, request.params.id, request.body),
    );
    app.delete(
      '/users/:id',
      {
        config: { access: 'staff.delete' },
        schema: { tags, summary: 'Deactivate a user', params: IdParams, response: { 204: z.null(), ...errors } },
      },
      async (request, reply) => {
        await users.deactivate(request, request.params.id);
        return reply.status(204).send(null);
      },
    );

    // ── roles ──────────────────────────────────────────────────────────────────────────
    tags = ['roles'];
    app.get(
      '/roles',
      {
        config: { access: 'staff.view' },
        schema: { tags, response: { 200: z.object({ items: z.array(RoleDto) }), ...errors } },
      },
      async (request) => ({ items: await roles.list(request) }),
    );
    app.post(
      '/roles',
      {
        config: { access: 'staff.manage' },
        schema: {
          tags,
          summary: 'Create a custom role (needs a recent re-authentication)',
          body: CreateRoleBody,
          response: { 201: RoleDto, ...errors },
        },
      },
      async (request, reply) => reply.status(201).send(await roles.create(request, request.body)),
    );
    app.get(
      '/roles/:id',
      { config: { access: 'staff.view' }, schema: { tags, params: IdParams, response: { 200: RoleDto, ...errors } } },
      async (request) => roles.get(request, request.params.id),
    );
    app.patch(
      '/roles/:id',
      {
        config: { access: 'staff.manage' },
        schema: {
          tags,
          summary: 'Change a custom role (needs a recent re-authentication)',
          params: IdParams,
          body: UpdateRoleBody,
          response: { 200: RoleDto, ...errors },
        },
      },
      async (request) => roles.update(request, request.params.id, request.body),
    );
    app.delete(
      '/roles/:id',
      {
        config: { access: 'staff.manage' },
        schema: {
          tags,
          summary: 'Delete an unused custom role (needs a recent re-authentication)',
          params: IdParams,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await roles.remove(request, request.params.id);
        return reply.status(204).send(null);
      },
    );

    // ── departments ────────────────────────────────────────────────────────────────────
    tags = ['departments'];
    app.get(
      '/departments',
      {
        config: { access: 'staff.view' },
        schema: {
          tags,
          summary: 'All departments, flat, with parentId',
          response: { 200: z.object({ items: z.array(DepartmentDto) }), ...errors },
        },
      },
      async () => ({ items: await departments.list() }),
    );
    app.post(
      '/departments',
      {
        config: { access: 'staff.create' },
        schema: { tags, body: CreateDepartmentBody, response: { 201: DepartmentDto, ...errors } },
      },
      async (request, reply) => reply.status(201).send(await departments.create(request, request.body)),
    );
    app.patch(
      '/departments/:id',
      {
        config: { access: 'staff.edit' },
        schema: { tags, params: IdParams, body: UpdateDepartmentBody, response: { 200: DepartmentDto, ...errors } },
      },
      async (request) => departments.update(request, request.params.id, request.body),
    );
    app.delete(
      '/departments/:id',
      {
        config: { access: 'staff.delete' },
        schema: {
          tags,
          summary: 'Delete a department without users or sub-departments',
          params: IdParams,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await departments.remove(request, request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
