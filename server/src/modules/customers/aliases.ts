import type { FieldEncryption } from '../../platform/crypto/encryption.service.ts';
import type { AliasField } from './merge.plan.ts';
import { blindIndexOf } from './identities.ts';

/**
 * The identifiers a customer keeps from the records merged into it (customer_aliases): sealed
 * for their own row (the AAD binds each token to the alias id), looked up by the same blind
 * index as the profile column, so a value moves between profile and alias by re-encryption only.
 */
const column = { table: 'customer_aliases', column: 'value_enc' } as const;

export function registerAliasColumn(crypto: FieldEncryption): void {
  crypto.registerEncryptedColumn({ ...column, idColumn: 'id', aad: 'row' });
}

/** The lookup key: the profile's blind index, or the external id itself (stored plain on the profile too). */
export function aliasLookup(crypto: FieldEncryption, field: AliasField, value: string): string {
  if (field === 'externalId') return value;
  return blindIndexOf(crypto, field, value)!;
}

export function sealAlias(crypto: FieldEncryption, aliasId: string, value: string): string {
  return crypto.encrypt(value, { ...column, rowId: aliasId });
}

export function openAlias(crypto: FieldEncryption, aliasId: string, token: string): string {
  return crypto.decrypt(token, { ...column, rowId: aliasId });
}
