import type { SmtpResult, VerifyStep } from './smtp-client.js';

export type { SmtpResult, VerifyStep } from './smtp-client.js';

/** One composed message for one recipient. */
export interface OutgoingMail {
  /** Envelope sender (MAIL FROM). */
  from: string;
  /** Envelope recipient (RCPT TO). */
  to: string;
  /** The complete RFC 5322 message. */
  raw: Buffer;
  messageId: string;
  subject: string;
  campaignId?: string | null;
}

export interface TransportVerification {
  ok: boolean;
  steps: VerifyStep[];
}

/**
 * Where a sender's mail goes: a real SMTP server (smtp.ts) or the built-in outbox (outbox.ts).
 * `send` never rejects for delivery problems — they come back classified as sent, retry or
 * failed, exactly as the SMTP client reports them — so callers handle one shape of outcome.
 */
export interface MailTransport {
  readonly kind: 'smtp' | 'outbox';
  send(mail: OutgoingMail): Promise<SmtpResult>;
  verify(): Promise<TransportVerification>;
  /** Finishes what is in flight, then releases connections. Idempotent. */
  close(): Promise<void>;
}
