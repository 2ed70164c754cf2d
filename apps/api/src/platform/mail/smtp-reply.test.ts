import { describe, expect, it } from 'vitest';
import {
  ReplyParser,
  SmtpProtocolError,
  classifyReply,
  enhancedCodeOf,
  type SmtpReply,
} from './smtp-reply.js';

describe('classifyReply', () => {
  it('maps the reply class to an outcome', () => {
    expect(classifyReply(250)).toBe('sent');
    expect(classifyReply(251, '2.1.5')).toBe('sent');
    expect(classifyReply(421)).toBe('retry');
    expect(classifyReply(450, '4.2.0')).toBe('retry');
    expect(classifyReply(452, '4.2.2')).toBe('retry');
    expect(classifyReply(550)).toBe('failed');
    expect(classifyReply(550, '5.1.1')).toBe('failed');
    expect(classifyReply(554, '5.7.1')).toBe('failed');
  });

  it('retries when no reply came at all', () => {
    expect(classifyReply(null)).toBe('retry');
    expect(classifyReply(null, null)).toBe('retry');
  });

  it('retries codes outside 2xx–5xx rather than guessing a final outcome', () => {
    expect(classifyReply(354)).toBe('retry');
    expect(classifyReply(199)).toBe('retry');
    expect(classifyReply(600)).toBe('retry');
  });

  it('lets a transient enhanced code soften a 5xx', () => {
    expect(classifyReply(550, '4.7.1')).toBe('retry');
    expect(classifyReply(552, '5.2.2')).toBe('retry');
  });

  it('never lets an enhanced code harden a 4xx or undo a 2xx', () => {
    expect(classifyReply(450, '5.7.1')).toBe('retry');
    expect(classifyReply(250, '5.0.0')).toBe('sent');
  });

  it('keeps other 5xx detail codes final', () => {
    expect(classifyReply(552, '5.3.4')).toBe('failed');
    expect(classifyReply(550, '5.12.2')).toBe('failed');
  });
});

describe('ReplyParser', () => {
  const parse = (...chunks: string[]) => {
    const parser = new ReplyParser();
    const replies: SmtpReply[] = [];
    for (const chunk of chunks) parser.push(Buffer.from(chunk), (reply) => replies.push(reply));
    return { replies, parser };
  };

  it('splits a pipelined batch into replies in order', () => {
    const { replies } = parse(
      '250 2.0.0 Ok: queued\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 Go ahead\r\n',
    );
    expect(replies.map((reply) => reply.code)).toEqual([250, 250, 250, 354]);
    expect(replies[0]).toEqual({ code: 250, text: '250 2.0.0 Ok: queued' });
    expect(enhancedCodeOf(replies[0]!.text)).toBe('2.0.0');
    expect(enhancedCodeOf(replies[3]!.text)).toBeNull();
  });

  it('joins multi-line replies and takes the enhanced code from the first line', () => {
    const { replies } = parse(
      '550-5.1.1 The email account that you tried to reach does not exist.\r\n',
      '550 5.1.1 Please try again.\r\n',
    );
    expect(replies).toEqual([
      {
        code: 550,
        text: '550-5.1.1 The email account that you tried to reach does not exist.\n550 5.1.1 Please try again.',
      },
    ]);
    expect(enhancedCodeOf(replies[0]!.text)).toBe('5.1.1');
  });

  it('reassembles lines split anywhere, including inside a UTF-8 character', () => {
    const bytes = Buffer.from('250 2.0.0 Ok für dich\r\n');
    const split = bytes.indexOf(0xc3) + 1;
    const parser = new ReplyParser();
    const replies: SmtpReply[] = [];
    parser.push(bytes.subarray(0, split), (reply) => replies.push(reply));
    expect(replies).toEqual([]);
    expect(parser.hasBufferedInput).toBe(true);
    parser.push(bytes.subarray(split), (reply) => replies.push(reply));
    expect(replies[0]!.text).toBe('250 2.0.0 Ok für dich');
    expect(parser.hasBufferedInput).toBe(false);
  });

  it('accepts bare LF line ends and a code with no text', () => {
    const { replies } = parse('250-smtp-sink\n250-PIPELINING\n250 \n220\n');
    expect(replies.map((reply) => reply.code)).toEqual([250, 220]);
    expect(replies[0]!.text).toBe('250-smtp-sink\n250-PIPELINING\n250 ');
  });

  it('rejects a line without a reply code', () => {
    expect(() => parse('hello there\r\n')).toThrow(SmtpProtocolError);
  });

  it('refuses an unbounded line instead of buffering it', () => {
    expect(() => parse(`250 ${'x'.repeat(70_000)}`)).toThrow(SmtpProtocolError);
  });
});
