import { DomainError } from '../http/errors.ts';
import './auth.messages.ts';

export type AuthErrorCode =
  | 'AUTH_INVALID_CREDENTIALS'
  | 'AUTH_ACCOUNT_DISABLED'
  | 'AUTH_TOO_MANY_ATTEMPTS'
  | 'AUTH_REAUTH_REQUIRED'
  | 'AUTH_WRONG_PASSWORD'
  | 'AUTH_SESSION_REQUIRED'
  | 'AUTH_SETUP_DONE'
  | 'AUTH_RESET_TOKEN_INVALID'
  | 'API_KEY_SCOPE_EXCEEDED'
  | 'API_KEY_EXPIRY_IN_PAST';

const error = (...args: ConstructorParameters<typeof DomainError>) => new DomainError(...args);

export const authErrors = {
  invalidCredentials: () => error('unauthenticated', 'AUTH_INVALID_CREDENTIALS'),
  accountDisabled: () => error('forbidden', 'AUTH_ACCOUNT_DISABLED'),
  tooManyAttempts: (retryAfterSeconds: number) =>
    error('rate_limited', 'AUTH_TOO_MANY_ATTEMPTS', { retryAfterSeconds }),
  reauthRequired: () => error('forbidden', 'AUTH_REAUTH_REQUIRED'),
  wrongPassword: (field: string) => error('invalid', 'AUTH_WRONG_PASSWORD', {}, field),
  sessionRequired: () => error('forbidden', 'AUTH_SESSION_REQUIRED'),
  setupDone: () => error('conflict', 'AUTH_SETUP_DONE'),
  resetTokenInvalid: () => error('invalid', 'AUTH_RESET_TOKEN_INVALID', {}, 'token'),
  apiKeyScopeExceeded: (permission: string) =>
    error('invalid', 'API_KEY_SCOPE_EXCEEDED', { permission }, 'permissions'),
  apiKeyExpiryInPast: () => error('invalid', 'API_KEY_EXPIRY_IN_PAST', {}, 'expiresAt'),
} satisfies Record<string, (...args: never[]) => DomainError>;
