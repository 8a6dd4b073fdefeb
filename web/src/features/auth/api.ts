import { call, client, setCsrfToken } from '../../api/client';
import type { BodyOf } from '../../api/types';
import type { Me } from '../../app/session';

export async function login(body: BodyOf<'/api/v1/auth/login', 'post'>): Promise<Me> {
  const { user } = await call(() => client.POST('/api/v1/auth/login', { body }));
  setCsrfToken(user.csrfToken);
  return user;
}

export const fetchSetupNeeded = () => call(() => client.GET('/api/v1/setup'));

/** Creates the first administrator; the server signs them in at once. */
export async function runSetup(body: BodyOf<'/api/v1/setup', 'post'>): Promise<Me> {
  const { user } = await call(() => client.POST('/api/v1/setup', { body }));
  setCsrfToken(user.csrfToken);
  return user;
}

export const requestPasswordReset = (email: string) =>
  call(() => client.POST('/api/v1/auth/password-reset', { body: { email } }));

export const confirmPasswordReset = (body: BodyOf<'/api/v1/auth/password-reset/confirm', 'post'>) =>
  call(() => client.POST('/api/v1/auth/password-reset/confirm', { body }));

export const changePassword = (body: BodyOf<'/api/v1/me/password', 'post'>) =>
  call(() => client.POST('/api/v1/me/password', { body }));

export const reauthenticate = (password: string) =>
  call(() => client.POST('/api/v1/auth/reauth', { body: { password } }));

export const logout = () => call(() => client.POST('/api/v1/auth/logout'));

export const updateMe = (body: BodyOf<'/api/v1/me', 'patch'>) => call(() => client.PATCH('/api/v1/me', { body }));
