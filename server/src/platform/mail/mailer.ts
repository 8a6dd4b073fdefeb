/** What the rest of Kehu needs from mail: send one message. The SMTP transport implements it. */
export type MailMessage = {
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
};
export type Mailer = { send(message: MailMessage): Promise<{ messageId: string }> };
