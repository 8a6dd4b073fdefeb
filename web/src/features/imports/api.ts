import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../api/client';
import type { BodyOf, QueryOf, ResponseOf } from '../../api/types';

export type ImportDetail = ResponseOf<'/api/v1/imports/{id}', 'get'>;
export type ImportItem = ResponseOf<'/api/v1/imports', 'get'>['items'][number];
export type ImportStatus = ImportItem['status'];
export type ImportSettings = BodyOf<'/api/v1/imports/{id}/dry-run', 'post'>;
export type ImportKind = ImportSettings['kind'];
export type OnMatch = NonNullable<ImportSettings['onMatch']>;
export type IssuePhase = NonNullable<QueryOf<'/api/v1/imports/{id}/issues', 'get'>['phase']>;
export type Issue = ResponseOf<'/api/v1/imports/{id}/issues', 'get'>['items'][number];

export const importKeys = {
  all: ['imports'] as const,
  list: (cursor: string | null) => ['imports', 'list', cursor] as const,
  one: (id: string) => ['imports', 'one', id] as const,
  issues: (id: string, phase: IssuePhase, after: number) => ['imports', 'issues', id, phase, after] as const,
};

/** Statuses with a job under way: the screen polls until they end. */
export const isBusy = (status: ImportStatus | undefined) => status === 'validating' || status === 'running';

export function useImports(cursor: string | null) {
  return useQuery({
    queryKey: importKeys.list(cursor),
    queryFn: () =>
      call(() => client.GET('/api/v1/imports', { params: { query: { limit: 20, cursor: cursor ?? undefined } } })),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.items.some((i) => isBusy(i.status)) ? 2000 : false),
  });
}

export function useImport(id: string | null) {
  return useQuery({
    queryKey: importKeys.one(id ?? ''),
    queryFn: () => call(() => client.GET('/api/v1/imports/{id}', { params: { path: { id: id ?? '' } } })),
    enabled: !!id,
    refetchInterval: (q) => (isBusy(q.state.data?.status) ? 1000 : false),
  });
}

export function useIssues(id: string | null, phase: IssuePhase, after: number, enabled: boolean) {
  return useQuery({
    queryKey: importKeys.issues(id ?? '', phase, after),
    queryFn: () =>
      call(() =>
        client.GET('/api/v1/imports/{id}/issues', {
          params: { path: { id: id ?? '' }, query: { phase, limit: 50, after } },
        }),
      ),
    enabled: !!id && enabled,
    placeholderData: keepPreviousData,
  });
}

export const issuesDownloadUrl = (id: string, phase: IssuePhase) =>
  `/api/v1/imports/${encodeURIComponent(id)}/issues.csv?phase=${phase}`;

/** The file itself is the request body (streamed to disk by the server; no multipart). */
export function useUpload() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (file: File) =>
      call(() =>
        client.POST('/api/v1/imports', {
          params: { query: { fileName: file.name } },
          body: file as never,
          bodySerializer: (b: unknown) => b as BodyInit,
          headers: { 'content-type': file.type || 'application/octet-stream' },
        }),
      ),
    onSuccess: (d) => {
      queryClient.setQueryData(importKeys.one(d.id), d);
      void queryClient.invalidateQueries({ queryKey: ['imports', 'list'] });
    },
  });
}

export function useDryRun() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: ImportSettings }) =>
      call(() => client.POST('/api/v1/imports/{id}/dry-run', { params: { path: { id } }, body })),
    onSuccess: (d) => {
      queryClient.setQueryData(importKeys.one(d.id), d);
      void queryClient.invalidateQueries({ queryKey: importKeys.all });
    },
  });
}

export function useRun() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(() => client.POST('/api/v1/imports/{id}/run', { params: { path: { id } } })),
    onSuccess: (d) => {
      queryClient.setQueryData(importKeys.one(d.id), d);
      void queryClient.invalidateQueries({ queryKey: ['imports', 'list'] });
    },
  });
}

export function useDeleteImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(() => client.DELETE('/api/v1/imports/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: importKeys.all }),
  });
}
