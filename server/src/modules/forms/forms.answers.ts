import type { FieldEncryption } from '../../platform/crypto/encryption.service.ts';
import type { SubmissionRow } from './forms.repository.ts';

export type Answers = Record<string, string | string[]>;

/** The token is bound to its submission row: copied onto another row it no longer decrypts. */
const where = (submissionId: string) => ({ table: 'form_submissions', column: 'answers_enc', rowId: submissionId });

export function registerAnswerColumn(crypto: FieldEncryption): void {
  crypto.registerEncryptedColumn({ table: 'form_submissions', idColumn: 'id', column: 'answers_enc', aad: 'row' });
}

export function sealAnswers(crypto: FieldEncryption, submissionId: string, answers: Answers): string {
  return crypto.encrypt(JSON.stringify(answers), where(submissionId));
}

export function openAnswers(crypto: FieldEncryption, row: Pick<SubmissionRow, 'id' | 'answers_enc'>): Answers {
  return JSON.parse(crypto.decrypt(row.answers_enc, where(row.id))) as Answers;
}
