import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../../api/client';
import type { BodyOf, QueryOf, ResponseOf } from '../../../api/types';
import { customerKeys } from '../api';

// ── shapes: from the server's OpenAPI document ──────────────────────────────────────────

export type DuplicatePair = ResponseOf<'/api/v1/customers/duplicates', 'get'>['items'][number];
export type DuplicateRule = DuplicatePair['rules'][number];
export type DuplicateFilters = Pick<QueryOf<'/api/v1/customers/duplicates', 'get'>, 'status' | 'rule' | 'minScore'>;
export type Comparison = ResponseOf<'/api/v1/customers/duplicates/compare', 'get'>;
export type CompareSide = Comparison['sides'][number];
export type MergeBody = BodyOf<'/api/v1/customers/merge', 'post'>;
export type MergeResult = ResponseOf<'/api/v1/customers/merge', 'post'>;
export type MergePreview = Extract<MergeResult, { dryRun: true }>;
export type MergeSide = 'survivor' | 'merged';
export type Merge = ResponseOf<'/api/v1/customers/merges/{id}', 'get'>;
export type MergeSettings = ResponseOf<'/api/v1/customers/merge-settings', 'get'>;
export type AutoRule = MergeSettings['autoRules'][number];

export const duplicateRules: DuplicateRule[] = [
  'identifier',
  'idNumber',
  'collected',
  'nameBirthdayCity',
  'nameBirthday',
  'nameCity',
];

/** The profile fields a merge chooses between, in the order the comparison shows them. */
export const mergeFields = [
  'name',
  'gender',
  'birthday',
  'mobile',
  'email',
  'wechatOpenId',
  'wechatUnionId',
  'idNumber',
  'address',
  'region',
  'occupation',
  'incomeBand',
  'education',
  'externalId',
  'source',
  'touchpoint',
  'owner',
] as const;
export type MergeField = (typeof mergeFields)[number];

export const duplicateKeys = {
  all: ['customer-duplicates'] as const,
  list: (filters: DuplicateFilters, cursor: string | null) => ['customer-duplicates', 'list', filters, cursor] as const,
  /** Apart from the lists: after a write they are dropped, not refetched (one of the two may be gone). */
  comparing: ['customer-compare'] as const,
  compare: (a: string, b: string, reveal: boolean) => ['customer-compare', a, b, reveal] as const,
  preview: (body: MergeBody) => ['customer-compare', 'preview', body] as const,
  merges: (cursor: string | null) => ['customer-merges', cursor] as const,
  settings: ['customer-merge-settings'] as const,
};

// ── reads ─────────────────────────────────────────────────────────────────────────────────

export function useDuplicates(filters: DuplicateFilters, cursor: string | null) {
  return useQuery({
    queryKey: duplicateKeys.list(filters, cursor),
    queryFn: () =>
      call(() =>
        client.GET('/api/v1/customers/duplicates', {
          params: { query: { ...filters, limit: 20, cursor: cursor ?? undefined } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/** Never cached when revealed: each reveal is one audited read. */
export function useComparison(pair: { a: string; b: string } | null, reveal: boolean) {
  return useQuery({
    queryKey: duplicateKeys.compare(pair?.a ?? '', pair?.b ?? '', reveal),
    queryFn: () =>
      call(() =>
        client.GET('/api/v1/customers/duplicates/compare', {
          params: { query: { a: pair!.a, b: pair!.b, reveal: reveal ? 'true' : undefined } },
        }),
      ),
    enabled: !!pair,
    gcTime: reveal ? 0 : undefined,
    retry: false,
  });
}

/** The dry run: what the merge would make of the survivor and what would move. */
export function useMergePreview(body: MergeBody | null) {
  return useQuery({
    queryKey: duplicateKeys.preview(body ?? { survivorId: '', mergedId: '' }),
    queryFn: () => call(() => client.POST('/api/v1/customers/merge', { body: { ...body!, dryRun: true } })),
    enabled: !!body,
    select: (r) => (r.dryRun ? r : null),
    placeholderData: keepPreviousData,
    retry: false,
  });
}

export function useMerges(cursor: string | null) {
  return useQuery({
    queryKey: duplicateKeys.merges(cursor),
    queryFn: () =>
      call(() =>
        client.GET('/api/v1/customers/merges', { params: { query: { limit: 20, cursor: cursor ?? undefined } } }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useMergeSettings() {
  return useQuery({
    queryKey: duplicateKeys.settings,
    queryFn: () => call(() => client.GET('/api/v1/customers/merge-settings')),
  });
}

// ── writes: each refreshes the pairs, the merges and every customer view ─────────────────

function useDuplicatesMutation<V, R>(fn: (v: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: duplicateKeys.comparing });
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: duplicateKeys.all }),
        queryClient.invalidateQueries({ queryKey: ['customer-merges'] }),
        queryClient.invalidateQueries({ queryKey: customerKeys.all }),
      ]);
    },
  });
}

export const useMerge = () =>
  useDuplicatesMutation((body: MergeBody) =>
    call(() => client.POST('/api/v1/customers/merge', { body: { ...body, dryRun: false } })),
  );

export const useUndoMerge = () =>
  useDuplicatesMutation((id: string) =>
    call(() => client.POST('/api/v1/customers/merges/{id}/undo', { params: { path: { id } } })),
  );

export const useDismissPair = () =>
  useDuplicatesMutation((id: string) =>
    call(() => client.POST('/api/v1/customers/duplicates/{id}/dismiss', { params: { path: { id } } })),
  );

export const useReopenPair = () =>
  useDuplicatesMutation((id: string) =>
    call(() => client.POST('/api/v1/customers/duplicates/{id}/reopen', { params: { path: { id } } })),
  );

export const useScanDuplicates = () =>
  useDuplicatesMutation(() => call(() => client.POST('/api/v1/customers/duplicates/scan')));

export function useUpdateMergeSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (autoRules: AutoRule[]) =>
      call(() => client.PUT('/api/v1/customers/merge-settings', { body: { autoRules } })),
    onSuccess: (data) => queryClient.setQueryData(duplicateKeys.settings, data),
  });
}
