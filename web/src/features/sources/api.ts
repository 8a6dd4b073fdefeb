import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../api/client';
import type { BodyOf, ResponseOf } from '../../api/types';

export type Source = ResponseOf<'/api/v1/sources/{id}', 'get'>;
export type SourceWithKey = ResponseOf<'/api/v1/sources', 'post'>;
export type SourceType = Source['type'];
export type CreateSourceBody = BodyOf<'/api/v1/sources', 'post'>;
export type UpdateSourceBody = BodyOf<'/api/v1/sources/{id}', 'patch'>;
export type DebuggerEntry = ResponseOf<'/api/v1/sources/{id}/debugger', 'get'>['items'][number];
export type TrackingSettings = ResponseOf<'/api/v1/tracking/settings', 'get'>;
export type TraitRule = TrackingSettings['traitMapping'][number];
export type TrackingSettingsBody = BodyOf<'/api/v1/tracking/settings', 'put'>;

export const sourceTypes: SourceType[] = ['website', 'app', 'miniprogram', 'server'];

export const sourceKeys = {
  all: ['tracking-sources'] as const,
  list: ['tracking-sources', 'list'] as const,
  debugger: (id: string) => ['tracking-sources', 'debugger', id] as const,
  settings: ['tracking-sources', 'settings'] as const,
};

export function useSources() {
  return useQuery({
    queryKey: sourceKeys.list,
    queryFn: () => call(() => client.GET('/api/v1/sources')),
    select: (d) => d.items,
  });
}

/** The live debugger: the latest events of a source, asked for again every two seconds while shown. */
export function useSourceDebugger(id: string | null, live: boolean) {
  return useQuery({
    queryKey: sourceKeys.debugger(id ?? ''),
    queryFn: () =>
      call(() =>
        client.GET('/api/v1/sources/{id}/debugger', { params: { path: { id: id ?? '' }, query: { limit: 50 } } }),
      ),
    select: (d) => d.items,
    enabled: !!id,
    refetchInterval: live ? 2000 : false,
  });
}

export function useCreateSource() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateSourceBody) => call(() => client.POST('/api/v1/sources', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sourceKeys.all }),
  });
}

export function useUpdateSource() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateSourceBody }) =>
      call(() => client.PATCH('/api/v1/sources/{id}', { params: { path: { id } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sourceKeys.all }),
  });
}

export function useDeleteSource() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(() => client.DELETE('/api/v1/sources/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sourceKeys.all }),
  });
}

export function useRotateKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, graceHours }: { id: string; graceHours: number }) =>
      call(() => client.POST('/api/v1/sources/{id}/keys/rotate', { params: { path: { id } }, body: { graceHours } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sourceKeys.all }),
  });
}

export function useRevokeKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, keyId }: { id: string; keyId: string }) =>
      call(() => client.POST('/api/v1/sources/{id}/keys/{keyId}/revoke', { params: { path: { id, keyId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sourceKeys.all }),
  });
}

export function useTrackingSettings() {
  return useQuery({
    queryKey: sourceKeys.settings,
    queryFn: () => call(() => client.GET('/api/v1/tracking/settings')),
  });
}

export function useSaveTrackingSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: TrackingSettingsBody) => call(() => client.PUT('/api/v1/tracking/settings', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sourceKeys.settings }),
  });
}
