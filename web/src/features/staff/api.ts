import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../api/client';
import type { BodyOf, QueryOf, ResponseOf } from '../../api/types';

export type UsersPage = ResponseOf<'/api/v1/users', 'get'>;
export type StaffUser = UsersPage['items'][number];
export type UserFilters = Omit<QueryOf<'/api/v1/users', 'get'>, 'cursor'>;
export type CreateUserBody = BodyOf<'/api/v1/users', 'post'>;
export type UpdateUserBody = BodyOf<'/api/v1/users/{id}', 'patch'>;

export type Role = ResponseOf<'/api/v1/roles', 'get'>['items'][number];
export type RoleBody = BodyOf<'/api/v1/roles', 'post'>;

export type Department = ResponseOf<'/api/v1/departments', 'get'>['items'][number];
export type DepartmentBody = BodyOf<'/api/v1/departments', 'post'>;

export const staffKeys = {
  all: ['staff'] as const,
  users: (filters: UserFilters, cursor: string | null) => ['staff', 'users', filters, cursor] as const,
  roles: ['staff', 'roles'] as const,
  departments: ['staff', 'departments'] as const,
  permissions: ['permissions'] as const,
};

export function useUsers(filters: UserFilters, cursor: string | null) {
  return useQuery({
    queryKey: staffKeys.users(filters, cursor),
    queryFn: () =>
      call(() => client.GET('/api/v1/users', { params: { query: { ...filters, cursor: cursor ?? undefined } } })),
    placeholderData: (prev) => prev,
  });
}

export function useRoles() {
  return useQuery({
    queryKey: staffKeys.roles,
    queryFn: () => call(() => client.GET('/api/v1/roles')),
    select: (d) => d.items,
  });
}

export function useDepartments() {
  return useQuery({
    queryKey: staffKeys.departments,
    queryFn: () => call(() => client.GET('/api/v1/departments')),
    select: (d) => d.items,
  });
}

export function usePermissionCatalogue() {
  return useQuery({
    queryKey: staffKeys.permissions,
    queryFn: () => call(() => client.GET('/api/v1/permissions')),
    staleTime: Infinity,
  });
}

/** A write to staff data refreshes every staff list (counts on roles and departments change too). */
function useStaffMutation<V, R>(fn: (v: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: staffKeys.all }),
  });
}

export const useCreateUser = () =>
  useStaffMutation((body: CreateUserBody) => call(() => client.POST('/api/v1/users', { body })));
export const useUpdateUser = () =>
  useStaffMutation(({ id, body }: { id: string; body: UpdateUserBody }) =>
    call(() => client.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body })),
  );

export const useSaveRole = () =>
  useStaffMutation(({ id, body }: { id?: string; body: RoleBody }) =>
    id
      ? call(() => client.PATCH('/api/v1/roles/{id}', { params: { path: { id } }, body }))
      : call(() => client.POST('/api/v1/roles', { body })),
  );
export const useDeleteRole = () =>
  useStaffMutation((id: string) => call(() => client.DELETE('/api/v1/roles/{id}', { params: { path: { id } } })));

export const useSaveDepartment = () =>
  useStaffMutation(({ id, body }: { id?: string; body: DepartmentBody }) =>
    id
      ? call(() => client.PATCH('/api/v1/departments/{id}', { params: { path: { id } }, body }))
      : call(() => client.POST('/api/v1/departments', { body })),
  );
export const useDeleteDepartment = () =>
  useStaffMutation((id: string) => call(() => client.DELETE('/api/v1/departments/{id}', { params: { path: { id } } })));

/** The server names built-in roles in the reader's language already. */
export function roleLabel(role: { key: string | null; name: string }): string {
  return role.name;
}
