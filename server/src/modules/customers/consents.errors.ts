import { DomainError } from '../../platform/http/errors.ts';
import './consents.messages.ts';

export type ConsentsErrorCode = 'CONSENT_POLICY_TEXT_REQUIRED';

export const consentsErrors = {
  policyTextRequired: () => new DomainError('invalid', 'CONSENT_POLICY_TEXT_REQUIRED', {}, 'policyText'),
} satisfies Record<string, (...args: never[]) => DomainError>;
