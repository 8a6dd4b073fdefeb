import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call, client } from '../../api/client';
import type { BodyOf, ResponseOf } from '../../api/types';
import { settingsKey } from '../../app/business';

export type Settings = ResponseOf<'/api/v1/settings', 'get'>;
export type SettingsPatch = BodyOf<'/api/v1/settings', 'patch'>;
export type EncryptionStatus = ResponseOf<'/api/v1/settings/encryption', 'get'>;

export function useSettings() {
  return useQuery({ queryKey: settingsKey, queryFn: () => call(() => client.GET('/api/v1/settings')) });
}

export function useSaveSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SettingsPatch) => call(() => client.PATCH('/api/v1/settings', { body })),
    onSuccess: (data) => {
      queryClient.setQueryData(settingsKey, data);
      // the header's business name and every date's time zone follow at once
      void queryClient.invalidateQueries({ queryKey: [...settingsKey, 'public'] });
    },
  });
}

/** Answers 200 either way: `ok` false carries the SMTP problem in the reader's language. */
export function useSendTestMail() {
  return useMutation({
    mutationFn: (to: string) => call(() => client.POST('/api/v1/settings/smtp/test', { body: { to } })),
  });
}

export const encryptionKey = ['settings', 'encryption'] as const;

export function useEncryption() {
  return useQuery({ queryKey: encryptionKey, queryFn: () => call(() => client.GET('/api/v1/settings/encryption')) });
}

export function useRotateKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => call(() => client.POST('/api/v1/settings/encryption/rotate')),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: encryptionKey }),
  });
}
