/** Payloads of the events this module emits (each also carries the event's customerId). */
export type FormSubmittedEvent = {
  formId: string;
  submissionId: string;
  customerId: string;
  /** Consents ticked, `purpose:channel`; pending ones wait for the email confirmation. */
  consents: { purpose: string; channel: string; pending: boolean }[];
};
export type FormConfirmedEvent = { formId: string; submissionId: string; customerId: string };

export const formEventTypes = {
  submitted: 'form.submitted',
  confirmed: 'form.confirmed',
} as const;
