import type { SmtpAuth } from './smtp-client.js';
import { SmtpSessionError, type SmtpReply } from './smtp-reply.js';

/** Sends one line and resolves with the server's reply to it. */
export type SendLine = (line: string) => Promise<SmtpReply>;

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

function rejected(reply: SmtpReply, detail?: string): SmtpSessionError {
  const text = detail ? `${reply.text} (${detail})` : reply.text;
  return new SmtpSessionError('auth', `Authentication failed: ${text}`, { ...reply, text });
}

function secretOf(auth: SmtpAuth, field: 'password' | 'accessToken'): string {
  const secret = auth[field];
  if (secret === undefined) {
    throw new SmtpSessionError('auth', `AUTH ${auth.method.toUpperCase()} needs a ${field}`);
  }
  return secret;
}

/**
 * Runs one SASL exchange (RFC 4954) and resolves with the server's 235, or throws an
 * SmtpSessionError at stage `auth` carrying the server's reply.
 */
export async function authenticate(auth: SmtpAuth, send: SendLine): Promise<SmtpReply> {
  let reply: SmtpReply;
  switch (auth.method) {
    case 'plain':
      reply = await send(
        `AUTH PLAIN ${base64(`\0${auth.username}\0${secretOf(auth, 'password')}`)}`,
      );
      break;
    case 'login': {
      const password = secretOf(auth, 'password');
      reply = await send('AUTH LOGIN');
      if (reply.code === 334) reply = await send(base64(auth.username));
      if (reply.code === 334) reply = await send(base64(password));
      break;
    }
    case 'xoauth2': {
      const token = secretOf(auth, 'accessToken');
      reply = await send(
        `AUTH XOAUTH2 ${base64(`user=${auth.username}\x01auth=Bearer ${token}\x01\x01`)}`,
      );
      if (reply.code === 334) {
        // Google's error challenge: base64 JSON, answered with an empty line to get the final 5xx.
        const challenge = reply.text.slice(4).trim();
        const detail = Buffer.from(challenge, 'base64').toString('utf8');
        const final = await send('');
        throw rejected(final, detail);
      }
      break;
    }
  }
  if (reply.code === 334) {
    // A challenge we have no answer for: cancel the exchange so the session stays in sync.
    const cancelled = await send('*');
    throw rejected(cancelled, `unexpected challenge: ${reply.text}`);
  }
  if (reply.code !== 235) throw rejected(reply);
  return reply;
}
