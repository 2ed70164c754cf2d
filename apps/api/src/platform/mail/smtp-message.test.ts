import { describe, expect, it } from 'vitest';
import {
  encodeDataPayload,
  envelopeAddressProblem,
  hasEightBitData,
  isInternationalAddress,
} from './smtp-message.js';

const encode = (message: Buffer) => {
  const [body, terminator] = encodeDataPayload(message);
  return Buffer.concat([body, Buffer.from(terminator, 'latin1')]);
};

const wire = (message: string) => encode(Buffer.from(message)).toString('latin1');

describe('encodeDataPayload', () => {
  it('passes a CRLF message through untouched and terminates it', () => {
    const message = Buffer.from('Subject: hi\r\n\r\nHello\r\n');
    const [body, terminator] = encodeDataPayload(message);
    expect(body).toBe(message);
    expect(terminator).toBe('.\r\n');
  });

  it('adds the missing line break before the terminator', () => {
    expect(wire('Subject: hi\r\n\r\nHello')).toBe('Subject: hi\r\n\r\nHello\r\n.\r\n');
  });

  it('turns bare LF into CRLF', () => {
    expect(wire('Subject: hi\n\nline one\nline two\n')).toBe(
      'Subject: hi\r\n\r\nline one\r\nline two\r\n.\r\n',
    );
  });

  it('doubles a leading dot on every line, including the first and a lone dot', () => {
    expect(wire('.first\r\n\r\n.\r\n..two\nmiddle . dot\r\n.')).toBe(
      '..first\r\n\r\n..\r\n...two\r\nmiddle . dot\r\n..\r\n.\r\n',
    );
  });

  it('leaves bare CR alone, since it cannot end the data', () => {
    expect(wire('a\rb\r\n')).toBe('a\rb\r\n.\r\n');
  });

  it('handles a leading LF and an empty message', () => {
    expect(wire('\nx')).toBe('\r\nx\r\n.\r\n');
    expect(wire('')).toBe('.\r\n');
  });

  it('keeps 8-bit bytes as they are', () => {
    const message = Buffer.from('Subject: é\n\nGrüße\n', 'utf8');
    expect(encode(message)).toEqual(Buffer.from('Subject: é\r\n\r\nGrüße\r\n.\r\n', 'utf8'));
  });
});

describe('envelope checks', () => {
  it('detects 8-bit data and international addresses', () => {
    expect(hasEightBitData(Buffer.from('plain ascii'))).toBe(false);
    expect(hasEightBitData(Buffer.from('Grüße'))).toBe(true);
    expect(isInternationalAddress('user@example.com')).toBe(false);
    expect(isInternationalAddress('jürgen@exämple.de')).toBe(true);
  });

  it('refuses addresses that could inject commands', () => {
    expect(envelopeAddressProblem('a@b.c', false)).toBeNull();
    expect(envelopeAddressProblem('', true)).toBeNull();
    expect(envelopeAddressProblem('', false)).toMatch(/empty/);
    expect(envelopeAddressProblem('a@b.c>\r\nRCPT TO:<x@y.z', false)).toMatch(/control/);
    expect(envelopeAddressProblem('a b@c.d', false)).toMatch(/space/);
  });
});
