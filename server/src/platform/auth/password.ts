import { hash, verify } from '@node-rs/argon2';
import './auth.messages.ts';
import { dictionary } from '@zxcvbn-ts/language-common';
import { DomainError } from '../http/errors.ts';

/** OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane); @node-rs/argon2 defaults to argon2id. */
const argon2Options = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const passwordMinLength = 12;
export const passwordMaxLength = 64;

let commonPasswords: Set<string> | undefined;
function isCommonPassword(password: string): boolean {
  // ~50,000 common and breached passwords, loaded once on first use.
  commonPasswords ??= new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
  return commonPasswords.has(password.toLowerCase());
}

/** Throws a field error (422) naming why a new password is refused. */
export function assertPasswordAcceptable(password: string, field = 'password'): void {
  const length = [...password].length;
  if (length < passwordMinLength)
    throw new DomainError('invalid', 'PASSWORD_TOO_SHORT', { minimum: passwordMinLength }, field);
  if (length > passwordMaxLength)
    throw new DomainError('invalid', 'PASSWORD_TOO_LONG', { maximum: passwordMaxLength }, field);
  if (isCommonPassword(password)) throw new DomainError('invalid', 'PASSWORD_TOO_COMMON', {}, field);
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, argon2Options);
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies a password; with no stored hash (unknown account) it still runs one verification so
 * the answer takes as long either way and does not reveal which emails exist.
 */
export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hashPassword('kehu-dummy-password-for-timing');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}
