import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../api/client';
import type { BodyOf, ResponseOf } from '../../api/types';
import { asRuleRoot, type RuleRoot } from '../../components/rule-builder';

// ── shapes: from the server's OpenAPI document (web/src/api/schema.d.ts) ─────────────────
// The rule travels as opaque JSON in the document (the server checks it path by path), so its
// type comes from the rule builder's model.

type SegmentDto = ResponseOf<'/api/v1/segments/{id}', 'get'>;
export type Segment = Omit<SegmentDto, 'rules'> & { rules: RuleRoot | null };
export type SegmentKind = Segment['kind'];
export type RefreshStatus = NonNullable<Segment['refresh']>['status'];
type CreateBody = BodyOf<'/api/v1/segments', 'post'>;
export type SegmentBody = Omit<CreateBody, 'rules'> & { rules?: RuleRoot | null };
export type UpdateSegmentBody = Omit<BodyOf<'/api/v1/segments/{id}', 'patch'>, 'rules'> & { rules?: RuleRoot };
export type Preview = ResponseOf<'/api/v1/segments/preview', 'post'>;
export type MemberChange = ResponseOf<'/api/v1/segments/{id}/changes', 'get'>['items'][number];
export type SizePoint = ResponseOf<'/api/v1/segments/{id}/sizes', 'get'>['items'][number];
export type UploadResult = ResponseOf<'/api/v1/segments/{id}/members/upload', 'post'>;
export type CustomerSegment = ResponseOf<'/api/v1/customers/{id}/segments', 'get'>['items'][number];

// ── keys ──────────────────────────────────────────────────────────────────────────────────

export const segmentKeys = {
  all: ['segments'] as const,
  list: ['segments', 'list'] as const,
  one: (id: string) => ['segments', 'one', id] as const,
  changes: (id: string) => ['segments', 'changes', id] as const,
  sizes: (id: string) => ['segments', 'sizes', id] as const,
  preview: (rules: string) => ['segments', 'preview', rules] as const,
  ofCustomer: (customerId: string) => ['segments', 'customer', customerId] as const,
};

const byId = (id: string) => ({ params: { path: { id } } });
const asSegment = (d: SegmentDto): Segment => ({ ...d, rules: d.rules == null ? null : asRuleRoot(d.rules) });
export const isRefreshing = (s: Pick<SegmentDto, 'refresh'> | undefined) =>
  s?.refresh?.status === 'queued' || s?.refresh?.status === 'running';

// ── reads ─────────────────────────────────────────────────────────────────────────────────

export function useSegments() {
  return useQuery({
    queryKey: segmentKeys.list,
    queryFn: () => call(() => client.GET('/api/v1/segments')),
    select: (d) => d.items.map(asSegment),
    refetchInterval: (q) => (q.state.data?.items.some(isRefreshing) ? 2000 : false),
  });
}

/** One segment, polled while a refresh runs so the progress bar moves. */
export function useSegment(id: string) {
  return useQuery({
    queryKey: segmentKeys.one(id),
    queryFn: () => call(() => client.GET('/api/v1/segments/{id}', byId(id))),
    select: asSegment,
    enabled: !!id,
    retry: false,
    refetchInterval: (q) => (isRefreshing(q.state.data) ? 1000 : false),
  });
}

/** The live count: `rules` is the rule as JSON text (a stable key), or null to count nothing. */
export function usePreview(rules: string | null) {
  return useQuery({
    queryKey: segmentKeys.preview(rules ?? ''),
    queryFn: () =>
      call(() => client.POST('/api/v1/segments/preview', { body: { rules: JSON.parse(rules ?? '{}') as RuleRoot } })),
    enabled: rules !== null,
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 10_000,
  });
}

export function useChanges(id: string) {
  return useInfiniteQuery({
    queryKey: segmentKeys.changes(id),
    queryFn: ({ pageParam }) =>
      call(() =>
        client.GET('/api/v1/segments/{id}/changes', {
          params: { path: { id }, query: { cursor: pageParam ?? undefined, limit: 50 } },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useSizes(id: string, enabled = true) {
  return useQuery({
    queryKey: segmentKeys.sizes(id),
    queryFn: () => call(() => client.GET('/api/v1/segments/{id}/sizes', byId(id))),
    select: (d) => d.items,
    enabled,
    staleTime: 60_000,
  });
}

export function useCustomerSegments(customerId: string) {
  return useQuery({
    queryKey: segmentKeys.ofCustomer(customerId),
    queryFn: () => call(() => client.GET('/api/v1/customers/{id}/segments', byId(customerId))),
    select: (d) => d.items,
  });
}

// ── writes ────────────────────────────────────────────────────────────────────────────────

/** Writes to segments refresh every segment read and the customer list (membership filters). */
function useSegmentMutation<V, R>(fn: (v: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: segmentKeys.all }),
        queryClient.invalidateQueries({ queryKey: ['customers', 'list'] }),
      ]),
  });
}

export const useCreateSegment = () =>
  useSegmentMutation((body: SegmentBody) => call(() => client.POST('/api/v1/segments', { body })).then(asSegment));

export const useUpdateSegment = () =>
  useSegmentMutation(({ id, body }: { id: string; body: UpdateSegmentBody }) =>
    call(() => client.PATCH('/api/v1/segments/{id}', { ...byId(id), body })).then(asSegment),
  );

export const useDeleteSegment = () =>
  useSegmentMutation((id: string) => call(() => client.DELETE('/api/v1/segments/{id}', byId(id))));

export const useRefreshSegment = () =>
  useSegmentMutation((id: string) => call(() => client.POST('/api/v1/segments/{id}/refresh', byId(id))));

export const useRemoveMembers = () =>
  useSegmentMutation(({ id, customerIds }: { id: string; customerIds: string[] }) =>
    call(() => client.DELETE('/api/v1/segments/{id}/members', { ...byId(id), body: { customerIds } })),
  );

export const useAddMembers = () =>
  useSegmentMutation(({ id, customerIds }: { id: string; customerIds: string[] }) =>
    call(() => client.POST('/api/v1/segments/{id}/members', { ...byId(id), body: { customerIds } })),
  );

export const useUploadMembers = () =>
  useSegmentMutation(({ id, text }: { id: string; text: string }) =>
    call(() => client.POST('/api/v1/segments/{id}/members/upload', { ...byId(id), body: { text } })),
  );
