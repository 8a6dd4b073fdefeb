import type { Locale } from '../i18n/i18n.ts';
import type { Actor } from './actor.ts';

/**
 * The port through which platform/auth reads staff accounts without importing the staff module
 * (platform never imports modules). The staff module implements it; start.ts plugs it in.
 */
export type LoginAccount = { userId: string; passwordHash: string | null; isActive: boolean };

/** The signed-in user as `GET /me` shows them (role names in the reader's language). */
export type UserProfile = {
  id: string;
  name: string;
  email: string;
  mobile: string | null;
  locale: Locale | null;
  department: { id: string; name: string } | null;
  roles: { id: string; key: string | null; name: string }[];
};

export type UserActor = Omit<Actor, 'kind' | 'sessionId' | 'csrfToken' | 'apiKeyId'>;

export type AuthDirectory = {
  findAccountByEmail(email: string): Promise<LoginAccount | null>;
  findAccountById(userId: string): Promise<LoginAccount | null>;
  /** The actor a user acts as now (name, permissions from roles, locale); null when inactive or gone. */
  loadUserActor(userId: string): Promise<UserActor | null>;
  findProfile(userId: string, locale: Locale): Promise<UserProfile | null>;
  updateProfile(userId: string, changes: { name?: string; locale?: Locale | null }): Promise<void>;
  setPasswordHash(userId: string, passwordHash: string): Promise<void>;
  countUsers(): Promise<number>;
  /**
   * Creates an active user with the built-in administrator role; returns the new user's id.
   * With `onlyIfNoUsers`, creates nothing and returns null when any user exists (one-time setup).
   */
  createAdministrator(input: {
    name: string;
    email: string;
    passwordHash: string;
    onlyIfNoUsers?: boolean;
  }): Promise<string | null>;
  /** Sets the password, re-activates the user and makes sure they hold the administrator role. */
  restoreAdministrator(userId: string, passwordHash: string): Promise<void>;
  findUserIdByEmail(email: string): Promise<string | null>;
};
