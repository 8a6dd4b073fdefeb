import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../api/client';
import type { BodyOf, QueryOf, ResponseOf } from '../../api/types';
import type { ScoreFilters } from '../scoring/customerFilters';

// ── shapes: from the server's OpenAPI document (web/src/api/schema.d.ts) ─────────────────

export type Customer = ResponseOf<'/api/v1/customers/{id}', 'get'>;
export type Gender = Customer['gender'];
export type AttributeValue = Customer['attributes'][string];

export const identityFields = ['mobile', 'email', 'wechatOpenId', 'wechatUnionId', 'idNumber', 'address'] as const;
export type IdentityField = BodyOf<'/api/v1/customers/{id}/reveal', 'post'>['field'];

/** What POST /customers and PATCH /customers/{id} take (null clears on PATCH). */
export type CustomerBody = BodyOf<'/api/v1/customers/{id}', 'patch'>;
export type CreateCustomerBody = BodyOf<'/api/v1/customers', 'post'>;

type ListQuery = QueryOf<'/api/v1/customers', 'get'>;
export type CustomerSort = NonNullable<ListQuery['sort']>;
export const customerSorts: CustomerSort[] = [
  '-createdAt',
  'createdAt',
  '-lastOrderAt',
  'lastOrderAt',
  '-totalSpent',
  'totalSpent',
  '-orderCount',
  'orderCount',
];

type ExportFilters = BodyOf<'/api/v1/customers/exports', 'post'>['filters'];
export type AttributeFilter = NonNullable<NonNullable<ExportFilters>['attributes']>[string];

/** The list's filters (also an export's `filters`); empty values are left out of the request. */
export type CustomerFilters = ScoreFilters & {
  search?: string;
  gender?: Gender;
  ageMin?: number;
  ageMax?: number;
  province?: string;
  city?: string;
  source?: string;
  touchpointId?: string;
  ownerId?: string;
  tag?: string[];
  hasOrdered?: 'true' | 'false';
  spentMin?: string;
  spentMax?: string;
  orderCountMin?: number;
  orderCountMax?: number;
  lastOrderFrom?: string;
  lastOrderTo?: string;
  attributes?: Record<string, AttributeFilter>;
  /** Current members of one segment (from /customers?segmentId=…). */
  segmentId?: string;
};

export type AttributeDefinition = ResponseOf<'/api/v1/customer-attributes', 'get'>['items'][number];
export type AttributeType = AttributeDefinition['type'];
export type Touchpoint = ResponseOf<'/api/v1/touchpoints', 'get'>['items'][number];
export type CustomerTag = ResponseOf<'/api/v1/customer-tags', 'get'>['items'][number];
export type Region = ResponseOf<'/api/v1/regions', 'get'>[number];
export type Activity = ResponseOf<'/api/v1/customers/{id}/timeline', 'get'>['items'][number];
export type CustomerExport = ResponseOf<'/api/v1/customers/exports/{id}', 'get'>;
export type ExportFormat = CustomerExport['format'];
export type BulkBody = BodyOf<'/api/v1/customers/bulk', 'post'>;
export type BulkAction = BulkBody['action'];
export type StaffOption = { id: string; name: string; email: string };

// ── query keys: one tree per domain, so a write refreshes exactly what it changes ──────────

export const customerKeys = {
  all: ['customers'] as const,
  lists: ['customers', 'list'] as const,
  list: (filters: CustomerFilters, sort: CustomerSort, limit: number, cursor: string | null) =>
    ['customers', 'list', filters, sort, limit, cursor] as const,
  count: (filters: CustomerFilters) => ['customers', 'list', 'count', filters] as const,
  detail: (id: string) => ['customers', 'detail', id] as const,
  timeline: (id: string, kinds: string) => ['customers', 'timeline', id, kinds] as const,
  exports: ['customers', 'exports'] as const,
  exportOne: (id: string) => ['customers', 'exports', id] as const,
  attributes: ['customer-attributes'] as const,
  tags: ['customer-tags'] as const,
  touchpoints: ['touchpoints'] as const,
  regions: ['regions'] as const,
  staff: ['customers', 'staff-options'] as const,
};

/** The filters as the list's query string: tags repeat, attribute filters travel as JSON. */
export function filterQuery(filters: CustomerFilters): Omit<ListQuery, 'sort' | 'limit' | 'cursor'> {
  const { attributes, ...rest } = compactFilters(filters);
  return { ...rest, ...(attributes ? { attributes: JSON.stringify(attributes) } : {}) };
}

/** The filters without empty parts (an export's JSON body, and stable query keys). */
export function compactFilters(filters: CustomerFilters): CustomerFilters {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(filters)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v) && !v.length) continue;
    if (k === 'attributes' && !Object.keys(v as object).length) continue;
    out[k] = v;
  }
  return out as CustomerFilters;
}

const byId = (id: string) => ({ params: { path: { id } } });

// ── reads ─────────────────────────────────────────────────────────────────────────────────

export function useCustomers(filters: CustomerFilters, sort: CustomerSort, limit: number, cursor: string | null) {
  return useQuery({
    queryKey: customerKeys.list(filters, sort, limit, cursor),
    queryFn: () =>
      call(() =>
        client.GET('/api/v1/customers', {
          params: { query: { ...filterQuery(filters), sort, limit, cursor: cursor ?? undefined } },
        }),
      ),
    placeholderData: (prev) => prev,
  });
}

export function useCustomerCount(filters: CustomerFilters) {
  return useQuery({
    queryKey: customerKeys.count(filters),
    queryFn: () => call(() => client.GET('/api/v1/customers/count', { params: { query: filterQuery(filters) } })),
    select: (d) => d.count,
    placeholderData: (prev) => prev,
  });
}

export function useCustomer(id: string) {
  return useQuery({
    queryKey: customerKeys.detail(id),
    queryFn: () => call(() => client.GET('/api/v1/customers/{id}', byId(id))),
    retry: false,
  });
}

export function useAttributeDefinitions() {
  return useQuery({
    queryKey: customerKeys.attributes,
    queryFn: () => call(() => client.GET('/api/v1/customer-attributes')),
    select: (d) => d.items,
    staleTime: 60_000,
  });
}

export function useCustomerTags() {
  return useQuery({
    queryKey: customerKeys.tags,
    queryFn: () => call(() => client.GET('/api/v1/customer-tags')),
    select: (d) => d.items,
    staleTime: 30_000,
  });
}

export function useTouchpoints() {
  return useQuery({
    queryKey: customerKeys.touchpoints,
    queryFn: () => call(() => client.GET('/api/v1/touchpoints', { params: { query: { isActive: 'true' } } })),
    select: (d) => d.items,
    staleTime: 60_000,
  });
}

export function useRegions() {
  return useQuery({
    queryKey: customerKeys.regions,
    queryFn: () => call(() => client.GET('/api/v1/regions')),
    staleTime: Infinity,
  });
}

/** Staff to pick an owner from; only asked for when the user may see staff. */
export function useStaffOptions(enabled: boolean) {
  return useQuery({
    queryKey: customerKeys.staff,
    queryFn: () => call(() => client.GET('/api/v1/users', { params: { query: { limit: 200, active: 'true' } } })),
    select: (d): StaffOption[] => d.items.map(({ id, name, email }) => ({ id, name, email })),
    enabled,
    staleTime: 60_000,
  });
}

export function useTimeline(id: string, kinds: string) {
  return useInfiniteQuery({
    queryKey: customerKeys.timeline(id, kinds),
    queryFn: ({ pageParam }) =>
      call(() =>
        client.GET('/api/v1/customers/{id}/timeline', {
          params: { path: { id }, query: { kinds: kinds || undefined, limit: 30, cursor: pageParam ?? undefined } },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useExports() {
  return useQuery({
    queryKey: customerKeys.exports,
    queryFn: () => call(() => client.GET('/api/v1/customers/exports')),
    select: (d) => d.items,
  });
}

/** One export, polled every second until it is done or failed. */
export function useExport(id: string | null) {
  return useQuery({
    queryKey: customerKeys.exportOne(id ?? ''),
    queryFn: () => call(() => client.GET('/api/v1/customers/exports/{id}', byId(id ?? ''))),
    enabled: !!id,
    refetchInterval: (q) => {
      const s = q.state.data?.status;
      return s === 'done' || s === 'failed' ? false : 1000;
    },
  });
}

export const exportDownloadUrl = (id: string) => `/api/v1/customers/exports/${encodeURIComponent(id)}/download`;

// ── writes ────────────────────────────────────────────────────────────────────────────────

/** A write to customers refreshes every customer list, count and 360 (and the tag counts). */
function useCustomersMutation<V, R>(fn: (v: V) => Promise<R>, alsoInvalidate: readonly (readonly string[])[] = []) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: customerKeys.all }),
        ...alsoInvalidate.map((queryKey) => queryClient.invalidateQueries({ queryKey })),
      ]);
    },
  });
}

export const useCreateCustomer = () =>
  useCustomersMutation(
    (body: CreateCustomerBody) => call(() => client.POST('/api/v1/customers', { body })),
    [customerKeys.tags],
  );

export const useUpdateCustomer = () =>
  useCustomersMutation(
    ({ id, body }: { id: string; body: CustomerBody }) =>
      call(() => client.PATCH('/api/v1/customers/{id}', { ...byId(id), body })),
    [customerKeys.tags],
  );

/**
 * Refreshes the lists only: the deleted customer's own 360 is still on screen until the page
 * moves on, and refetching it would only meet a 404.
 */
export function useDeleteCustomer() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, confirm }: { id: string; confirm: boolean }) =>
      call(() =>
        client.DELETE('/api/v1/customers/{id}', {
          params: { path: { id }, query: confirm ? { confirm: 'true' } : {} },
        }),
      ),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: customerKeys.lists }),
        queryClient.invalidateQueries({ queryKey: customerKeys.tags }),
      ]),
  });
}

export const useChangeTags = () =>
  useCustomersMutation(
    ({ id, add, remove }: { id: string; add?: string[]; remove?: string[] }) =>
      call(() => client.POST('/api/v1/customers/{id}/tags', { ...byId(id), body: { add, remove } })),
    [customerKeys.tags],
  );

export const useAddNote = () =>
  useCustomersMutation(({ id, text }: { id: string; text: string }) =>
    call(() => client.POST('/api/v1/customers/{id}/notes', { ...byId(id), body: { text } })),
  );

export const useBulkAction = () =>
  useCustomersMutation(
    (body: BulkBody) => call(() => client.POST('/api/v1/customers/bulk', { body })),
    [customerKeys.tags],
  );

/** Reveal is not cached: every click is one audited read of one value. */
export function revealIdentity(id: string, field: IdentityField) {
  return call(() => client.POST('/api/v1/customers/{id}/reveal', { ...byId(id), body: { field } }));
}

export function useCreateExport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: BodyOf<'/api/v1/customers/exports', 'post'>) =>
      call(() => client.POST('/api/v1/customers/exports', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: customerKeys.exports }),
  });
}
