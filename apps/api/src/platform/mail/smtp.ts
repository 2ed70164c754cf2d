import { createSmtpPool, type SmtpPoolOptions } from './smtp-client.js';
import type { MailTransport } from './transport.js';

/** Real delivery through the pooled, pipelining SMTP client. */
export function createSmtpTransport(options: SmtpPoolOptions): MailTransport {
  const pool = createSmtpPool(options);
  return {
    kind: 'smtp',
    send: (mail) => pool.send({ from: mail.from, to: mail.to }, mail.raw),
    verify: async () => {
      const report = await pool.verify();
      return { ok: report.ok, steps: report.steps };
    },
    close: () => pool.close(),
  };
}
