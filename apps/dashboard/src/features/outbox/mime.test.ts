import { describe, expect, it } from 'vitest';
import { decodeQuotedPrintable, decodeWords, parseContentType, parseMessage } from './mime';

const CRLF = '\r\n';

describe('outbox MIME reading', () => {
  it('reads headers, the text part and the HTML part of a multipart/alternative message', () => {
    const raw = [
      'From: Acme News <news@acme.test>',
      'To: ada@example.com',
      'Subject: =?utf-8?B?W1Rlc3RdIEdyw7zDn2Ugdm9t?=',
      ' =?utf-8?Q?_M=C3=A4rz?=',
      'Content-Type: multipart/alternative;',
      ' boundary="=_herald_X_0"',
      '',
      '--=_herald_X_0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Gr=C3=BC=C3=9Fe, Ada! A long line that was wrapped with a soft br=',
      'eak.',
      '--=_herald_X_0',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      btoa('<p>Hi Ada</p>'),
      '--=_herald_X_0--',
      '',
    ].join(CRLF);
    const message = parseMessage(raw);
    expect(message.headers.map((h) => h.name)).toEqual(['From', 'To', 'Subject', 'Content-Type']);
    expect(message.headers[2]!.value).toBe('[Test] Grüße vom März');
    expect(message.headers[3]!.value).toBe('multipart/alternative; boundary="=_herald_X_0"');
    expect(message.text).toBe('Grüße, Ada! A long line that was wrapped with a soft break.');
    expect(message.html).toBe('<p>Hi Ada</p>');
  });

  it('reads a single-part message as it is', () => {
    const message = parseMessage(
      [
        'Subject: Plain',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Line 1',
        'Line 2',
        '',
      ].join(CRLF),
    );
    expect(message.text).toBe('Line 1\nLine 2\n');
    expect(message.html).toBeNull();
  });

  it('decodes the pieces', () => {
    expect(parseContentType('text/html; charset="utf-8"; format=flowed')).toEqual({
      type: 'text/html',
      params: { charset: 'utf-8', format: 'flowed' },
    });
    expect(decodeQuotedPrintable('a=3Db =E2=82=AC')).toBe('a=b €');
    expect(decodeWords('Hello =?UTF-8?Q?W=C3=B6rld?=')).toBe('Hello Wörld');
  });
});
