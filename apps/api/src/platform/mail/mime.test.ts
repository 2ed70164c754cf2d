import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { stripHeaderControls } from './mime-header.js';
import {
  InvalidMailError,
  composeMessage,
  createMessageId,
  createMessageSkeleton,
  formatAddress,
  type MessageContent,
  type MessageSkeletonOptions,
} from './mime.js';

const campaign: MessageSkeletonOptions = {
  from: { name: 'Herald News', email: 'news@example.com' },
  replyTo: { name: 'Support, Inc.', email: 'help@example.com' },
  messageIdDomain: 'example.com',
  staticHeaders: [
    ['X-Herald-Campaign', '0190f1d2-aaaa-7bbb-8ccc-123456789abc'],
    ['Precedence', 'bulk'],
  ],
};

const unsubscribe: MessageContent['headers'] = [
  ['List-Unsubscribe', '<https://example.com/u/tok123>, <mailto:unsub+tok123@example.com>'],
  ['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click'],
];

/** Every line ends in CRLF and fits 998 bytes; the message ends in CRLF. */
function expectWellFormed(raw: Buffer): void {
  expect(raw.subarray(-2).toString('latin1')).toBe('\r\n');
  let lineStart = 0;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0x0d) expect(raw[i + 1], `bare CR at byte ${i}`).toBe(0x0a);
    if (raw[i] === 0x0a) {
      expect(raw[i - 1], `bare LF at byte ${i}`).toBe(0x0d);
      expect(i - 1 - lineStart, `line at byte ${lineStart}`).toBeLessThanOrEqual(998);
      lineStart = i + 1;
    }
  }
}

function headerBlock(raw: Buffer): string {
  const text = raw.toString('utf8');
  return text.slice(0, text.indexOf('\r\n\r\n') + 2);
}

/** Top-level header names in order, from the raw bytes (continuation lines start with WSP). */
function headerNames(raw: Buffer): string[] {
  return headerBlock(raw)
    .split('\r\n')
    .filter((line) => line !== '' && !/^[ \t]/.test(line))
    .map((line) => line.slice(0, line.indexOf(':')).toLowerCase());
}

async function compose(
  content: MessageContent,
  options: MessageSkeletonOptions = campaign,
): Promise<{ raw: Buffer; messageId: string; parsed: ParsedMail }> {
  const { raw, messageId } = createMessageSkeleton(options).compose(content);
  expectWellFormed(raw);
  return { raw, messageId, parsed: await simpleParser(raw) };
}

function single(address: AddressObject | AddressObject[] | undefined) {
  const object = Array.isArray(address) ? address[0] : address;
  expect(object?.value).toHaveLength(1);
  return object!.value[0]!;
}

describe('compose', () => {
  it('writes an ASCII multipart/alternative message that parses back to its inputs', async () => {
    const date = new Date('2025-03-04T05:06:07Z');
    const content: MessageContent = {
      to: { name: 'Ada Lovelace', email: 'ada@example.org' },
      subject: 'Your weekly digest',
      text: 'Hello Ada,\n\nThis week: three new features.\n',
      html: '<html><body><p>Hello Ada,</p><p>This week: three new features.</p></body></html>\n',
      headers: unsubscribe,
      date,
    };
    const { raw, messageId, parsed } = await compose(content);

    expect(parsed.subject).toBe(content.subject);
    expect(single(parsed.from)).toEqual({ name: 'Herald News', address: 'news@example.com' });
    expect(single(parsed.to)).toEqual({ name: 'Ada Lovelace', address: 'ada@example.org' });
    expect(single(parsed.replyTo)).toEqual({ name: 'Support, Inc.', address: 'help@example.com' });
    expect(parsed.text).toBe(content.text);
    expect(parsed.html).toBe(content.html);
    expect(parsed.date?.toISOString()).toBe(date.toISOString());
    expect(parsed.messageId).toBe(messageId);
    expect(messageId).toMatch(/^<[0-9a-f-]{36}@example\.com>$/);
    expect(parsed.headers.get('x-herald-campaign')).toBe('0190f1d2-aaaa-7bbb-8ccc-123456789abc');
    expect(parsed.headers.get('precedence')).toBe('bulk');
    expect(parsed.headerLines).toEqual(
      expect.arrayContaining([
        {
          key: 'list-unsubscribe',
          line: 'List-Unsubscribe: <https://example.com/u/tok123>,\r\n <mailto:unsub+tok123@example.com>',
        },
        { key: 'list-unsubscribe-post', line: 'List-Unsubscribe-Post: List-Unsubscribe=One-Click' },
      ]),
    );

    const head = headerBlock(raw);
    expect(head).toContain('MIME-Version: 1.0\r\n');
    expect(head).toContain('Date: Tue, 04 Mar 2025 05:06:07 +0000\r\n');
    expect(head).toContain('Content-Type: multipart/alternative;');
    for (const line of head.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    // text/plain first, then text/html; both 7bit and utf-8.
    const body = raw.toString('latin1').slice(head.length);
    expect(body.indexOf('text/plain; charset=utf-8')).toBeLessThan(body.indexOf('text/html'));
    expect(body).toContain('Content-Transfer-Encoding: 7bit');
    expect(body).not.toContain('quoted-printable');
  });

  it('round-trips accented Latin, CJK and emoji in subject, names and bodies', async () => {
    const cases = [
      {
        name: 'Zoë Dupré-Müller',
        subject: 'Découvrez nos nouveautés — jusqu’à −30 % !',
        text: 'Bonjour Zoë,\n\nDécouvrez nos nouveautés de la saison, à prix réduits : profitez-en vite !\nÀ très bientôt — l’équipe.\n',
        html: '<p>Bonjour <b>Zoë</b>,</p><p>Découvrez nos nouveautés de la saison, à prix réduits : profitez-en vite !</p>',
        encoding: 'quoted-printable',
      },
      {
        name: '山田 太郎',
        subject: '【重要】新しいコレクションのご案内',
        text: '山田様\n\n新しいコレクションが入荷しました。ぜひご覧ください。\n',
        html: '<p>山田様</p><p>新しいコレクションが入荷しました。</p>',
        encoding: 'base64',
      },
      {
        name: 'Party 🎉 People 👩‍👩‍👧',
        subject: '🎉🎉 Big news 👩‍💻 inside 🚀',
        text: '🎉🎉🎉 We are live! 🚀🚀🚀\n👩‍👩‍👧‍👦 Family plan 😀\n',
        html: '<p>🎉🎉🎉</p><p>👩‍👩‍👧‍👦 😀</p>',
        encoding: 'base64',
      },
    ] as const;
    for (const c of cases) {
      const { raw, parsed } = await compose(
        { to: { name: c.name, email: 'someone@example.org' }, ...c },
        { ...campaign, from: { name: c.name, email: 'news@example.com' } },
      );
      expect(parsed.subject).toBe(c.subject);
      expect(single(parsed.to).name).toBe(c.name);
      expect(single(parsed.from).name).toBe(c.name);
      expect(parsed.text).toBe(c.text);
      expect(parsed.html).toBe(c.html);
      expect(raw.toString('latin1')).toContain(`Content-Transfer-Encoding: ${c.encoding}`);
      // Headers are 7-bit: everything non-ASCII went out as encoded words.
      expect(headerBlock(raw)).toMatch(/^[\x20-\x7e\r\n]*$/);
    }
  });

  it('folds a very long subject into encoded words of at most 75 characters', async () => {
    const subject = `${'Grüße und viele Neuigkeiten aus unserem Laden 😀 '.repeat(8)}Ende`;
    const { raw, parsed } = await compose({
      to: { email: 'a@example.org' },
      subject,
      text: 'x\n',
    });
    expect(parsed.subject).toBe(subject);
    const head = headerBlock(raw);
    for (const line of head.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    const words = head.match(/=\?UTF-8\?[BQ]\?[^?]*\?=/g) ?? [];
    expect(words.length).toBeGreaterThan(4);
    for (const word of words) expect(word.length).toBeLessThanOrEqual(75);

    const ascii = `${'A plain but very long subject line. '.repeat(10)}The end`;
    const folded = await compose({ to: { email: 'a@example.org' }, subject: ascii, text: 'x\n' });
    expect(folded.parsed.subject).toBe(ascii);
    expect(headerBlock(folded.raw)).not.toContain('=?');
  });

  it('keeps lines within 998 bytes for a 5,000-character line without spaces', async () => {
    const line = 'a1b2c3d4e5'.repeat(500);
    const text = `start\n${line}\nend\n`;
    const html = `<div>${line}</div><p>${'é'.repeat(3000)}</p>`;
    const { raw, parsed } = await compose({
      to: { email: 'a@example.org' },
      subject: 'Long lines',
      text,
      html,
    });
    expect(parsed.text).toBe(text);
    expect(parsed.html).toBe(html);
    expect(raw.toString('latin1')).not.toContain('Content-Transfer-Encoding: 7bit');
  });

  it('keeps lines starting with "." and "From " exactly', async () => {
    const text = '.\n..leading dots\nFrom here on\n.\nFrom \n';
    const html = '<p>\n.hidden\nFrom the team</p>\n';
    const plain = await compose({ to: { email: 'a@example.org' }, subject: 's', text, html });
    expect(plain.parsed.text).toBe(text);
    expect(plain.parsed.html).toBe(html);

    const accented = await compose({
      to: { email: 'a@example.org' },
      subject: 's',
      text: `${text}café\n`,
      html: `${html}café`,
    });
    expect(accented.parsed.text).toBe(`${text}café\n`);
    expect(accented.parsed.html).toBe(`${html}café`);
  });

  it('preserves trailing whitespace', async () => {
    const text = 'naïve line with spaces   \ntab at end\t\ndouble  \t \nlast ';
    const html = '<pre>keep  \nthis\t</pre> ';
    const { raw, parsed } = await compose({
      to: { email: 'a@example.org' },
      subject: 's',
      text,
      html,
    });
    expect(raw.toString('latin1')).toContain('quoted-printable');
    expect(parsed.text).toBe(text);
    expect(parsed.html).toBe(html);
  });

  it('normalises every line break in a body to CRLF', async () => {
    const { parsed } = await compose({
      to: { email: 'a@example.org' },
      subject: 's',
      text: 'one\r\ntwo\rthree\nfour\n',
      html: '<p>a</p>\r<p>b</p>\r\n',
    });
    expect(parsed.text).toBe('one\ntwo\nthree\nfour\n');
    expect(parsed.html).toBe('<p>a</p>\n<p>b</p>\n');
  });

  it('makes header injection impossible through subject, names and header values', async () => {
    const attack = '\r\nBcc: victim@example.net\r\nX-Evil: 1';
    const { raw, parsed } = await compose(
      {
        to: { name: `Mallory${attack}`, email: 'mallory@example.org' },
        subject: `Hello${attack}`,
        text: 'body\n',
        html: '<p>body</p>',
        headers: [
          ['List-Unsubscribe', `<https://example.com/u/t>${attack}`],
          ['X-Note', `ünïcode${attack}`],
        ],
      },
      {
        ...campaign,
        from: { name: `News\nBcc: a@example.net`, email: 'news@example.com' },
        staticHeaders: [['X-Herald-Campaign', `c1\rBcc: b@example.net`]],
      },
    );
    const names = headerNames(raw);
    expect(names).not.toContain('bcc');
    expect(names).not.toContain('x-evil');
    expect(parsed.bcc).toBeUndefined();
    expect(parsed.headers.has('x-evil')).toBe(false);
    expect(names.sort()).toEqual(
      [
        'content-type',
        'date',
        'from',
        'list-unsubscribe',
        'message-id',
        'mime-version',
        'reply-to',
        'subject',
        'to',
        'x-herald-campaign',
        'x-note',
      ].sort(),
    );
    expect(parsed.subject).toBe('Hello Bcc: victim@example.net X-Evil: 1');
    expect(single(parsed.to).address).toBe('mallory@example.org');
    // mailparser leaves unknown headers encoded; decode the value as a subject instead.
    const note = parsed.headerLines.find((h) => h.key === 'x-note')!.line.slice('X-Note:'.length);
    const decoded = await simpleParser(Buffer.from(`Subject:${note}\r\n\r\nx`));
    expect(decoded.subject).toBe('ünïcode Bcc: victim@example.net X-Evil: 1');
  });

  it('refuses bad header names, headers it writes itself, and bad addresses or ids', () => {
    const skeleton = createMessageSkeleton(campaign);
    const base = { to: { email: 'a@example.org' }, subject: 's', text: 'x\n' };
    for (const name of ['Bad Name', 'X-Colon:', '', 'Bcc', 'subject', 'Content-Type']) {
      expect(() => skeleton.compose({ ...base, headers: [[name, 'v']] })).toThrow(InvalidMailError);
      expect(() => createMessageSkeleton({ ...campaign, staticHeaders: [[name, 'v']] })).toThrow(
        InvalidMailError,
      );
    }
    for (const email of ['no-at-sign', 'a b@example.org', 'x@exa mple.org', 'a@', '<a@b.c>']) {
      expect(() => skeleton.compose({ ...base, to: { email } })).toThrow(InvalidMailError);
    }
    expect(() => skeleton.compose({ ...base, to: { email: 'a\r\n@example.org' } })).toThrow(
      InvalidMailError,
    );
    expect(() => skeleton.compose({ ...base, messageId: '<a b@c>' })).toThrow(InvalidMailError);
    expect(() => skeleton.compose({ ...base, messageId: 'x@y>\r\nBcc: z' })).toThrow(
      InvalidMailError,
    );
    expect(() => skeleton.compose({ ...base, text: null, html: undefined })).toThrow(
      InvalidMailError,
    );
    expect(() => createMessageSkeleton({ ...campaign, messageIdDomain: 'bad domain' })).toThrow(
      InvalidMailError,
    );
  });

  it('sends IDN domains as punycode', async () => {
    const { raw, messageId, parsed } = await compose(
      { to: { name: 'Jörg', email: 'jörg@bücher.example' }, subject: 's', text: 'x\n' },
      { ...campaign, messageIdDomain: 'münchen.example' },
    );
    const head = headerBlock(raw);
    expect(head).toContain('@xn--bcher-kva.example>');
    expect(messageId).toMatch(/@xn--mnchen-3ya\.example>$/);
    // mailparser shows the domain in Unicode again; the local part stays UTF-8 (RFC 6532).
    expect(single(parsed.to)).toEqual({ name: 'Jörg', address: 'jörg@bücher.example' });
    expect(formatAddress({ email: 'info@bücher.example' })).toBe('info@xn--bcher-kva.example');
  });

  it('writes html-only and text-only messages as a single part that decodes exactly', async () => {
    for (const html of ['<p>Hi</p>', '<p>Hi</p>\n', '<p>Größe</p>', '<p>东京</p>', '']) {
      const { raw, parsed } = await compose({ to: { email: 'a@example.org' }, subject: 's', html });
      expect(raw.toString('latin1')).not.toContain('multipart');
      expect(raw.toString('latin1')).toContain('Content-Type: text/html; charset=utf-8');
      expect(parsed.html || '').toBe(html);
    }
    for (const text of ['Hi', 'Hi\n', 'Größe', '东京', '']) {
      const { raw, parsed } = await compose({ to: { email: 'a@example.org' }, subject: 's', text });
      expect(raw.toString('latin1')).not.toContain('multipart');
      expect(raw.toString('latin1')).toContain('Content-Type: text/plain; charset=utf-8');
      expect(parsed.text ?? '').toBe(text);
      expect(parsed.html).toBe(false);
    }
  });

  it('leaves out an empty alternative', async () => {
    const noText = await compose({
      to: { email: 'a@example.org' },
      subject: 's',
      text: '',
      html: '<p>x</p>',
    });
    expect(noText.raw.toString('latin1')).not.toContain('multipart');
    expect(noText.parsed.html).toBe('<p>x</p>');
    const noHtml = await compose({
      to: { email: 'a@example.org' },
      subject: 's',
      text: 'x\n',
      html: '',
    });
    expect(noHtml.raw.toString('latin1')).not.toContain('multipart');
    expect(noHtml.parsed.text).toBe('x\n');
    expect(noHtml.parsed.html).toBe(false);
  });

  it('inserts the preheader as a hidden span at the top of the HTML body', async () => {
    const { parsed } = await compose({
      to: { email: 'a@example.org' },
      subject: 's',
      preheader: 'Save 30% <today> & “tomorrow”',
      text: 'x\n',
      html: '<html><head><title>t</title></head><BODY class="b"><p>Hi</p></BODY></html>',
    });
    const html = parsed.html as string;
    expect(html).toMatch(
      /^<html><head><title>t<\/title><\/head><BODY class="b"><span style="display:none;[^"]*">Save 30% &lt;today&gt; &amp; “tomorrow”<\/span><p>Hi<\/p>/,
    );
    // No <body> tag: the preheader goes first. Text-only messages have no place for it.
    const bare = await compose({
      to: { email: 'a@example.org' },
      subject: 's',
      preheader: 'Pre',
      html: '<p>Hi</p>',
    });
    expect(bare.parsed.html).toMatch(/^<span style="display:none;[^"]*">Pre<\/span><p>Hi<\/p>$/);
    const textOnly = await compose({
      to: { email: 'a@example.org' },
      subject: 's',
      preheader: 'Pre',
      text: 'x\n',
    });
    expect(textOnly.parsed.text).toBe('x\n');
  });

  it('generates unique Message-IDs on the sender domain and keeps given ones', async () => {
    const skeleton = createMessageSkeleton(campaign);
    const ids = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const { messageId } = skeleton.compose({
        to: { email: `c${i}@example.org` },
        subject: 's',
        text: 'x\n',
      });
      expect(messageId).toMatch(/^<[^<>@\s]+@example\.com>$/);
      ids.add(messageId);
    }
    expect(ids.size).toBe(2000);
    expect(createMessageId('example.net')).toMatch(/^<[0-9a-f-]{36}@example\.net>$/);

    for (const given of ['abc.123@mail.example.com', '<abc.123@mail.example.com>']) {
      const { raw, messageId } = skeleton.compose({
        to: { email: 'a@example.org' },
        subject: 's',
        text: 'x\n',
        messageId: given,
      });
      expect(messageId).toBe('<abc.123@mail.example.com>');
      expect(raw.toString('latin1')).toContain('Message-ID: <abc.123@mail.example.com>\r\n');
    }
  });

  it('picks a boundary that does not occur in the content', async () => {
    const skeleton = createMessageSkeleton(campaign);
    const first = skeleton.compose({
      to: { email: 'a@example.org' },
      subject: 's',
      text: 'x\n',
      html: '<p>x</p>',
    });
    const boundary = /boundary="([^"]+)"/.exec(first.raw.toString('latin1'))![1]!;
    // The next boundaries differ only in their counter; put the likely ones in the body.
    const prefix = boundary.slice(0, -1);
    const trap = Array.from({ length: 40 }, (_, i) => `--${prefix}${i.toString(36)}`).join('\n');
    const { raw } = skeleton.compose({
      to: { email: 'a@example.org' },
      subject: 's',
      text: `${trap}\n`,
      html: `<pre>${trap}</pre>`,
    });
    expectWellFormed(raw);
    const next = /boundary="([^"]+)"/.exec(raw.toString('latin1'))![1]!;
    expect(trap).not.toContain(next);
    const parsed = await simpleParser(raw);
    expect(parsed.text).toBe(`${trap}\n`);
    expect(parsed.html).toBe(`<pre>${trap}</pre>`);
  });

  it('encodes From, Reply-To and static headers once, and composeMessage matches', async () => {
    const { raw, messageId } = composeMessage({
      ...campaign,
      to: { email: 'a@example.org' },
      subject: 'One-off',
      text: 'x\n',
      messageId: 'fixed@example.com',
    });
    expectWellFormed(raw);
    expect(messageId).toBe('<fixed@example.com>');
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe('One-off');
    expect(headerNames(raw).slice(0, 2)).toEqual(['from', 'reply-to']);
  });
});

describe('compose with random Unicode (seeded)', () => {
  it('parses back to the inputs', async () => {
    const random = prng(424_242);
    const skeleton = createMessageSkeleton(campaign);
    for (let run = 0; run < 150; run++) {
      // mailparser trims subjects and names and reports line breaks as LF.
      const subject = stripHeaderControls(randomText(random, 150)).trim();
      const name = stripHeaderControls(randomText(random, 40)).trim();
      const text = randomText(random, 3000);
      const html = random() < 0.3 ? null : randomText(random, 3000);
      const { raw } = skeleton.compose({
        to: { name, email: 'r@example.org' },
        subject,
        text,
        html,
      });
      expectWellFormed(raw);
      const parsed = await simpleParser(raw);
      const context = `run ${run}`;
      expect(parsed.subject ?? '', context).toBe(subject);
      expect(single(parsed.to).name, context).toBe(name);
      // With an empty text, the message is HTML only and mailparser derives a text of its own.
      if (text !== '' || html === null) {
        expect(parsed.text ?? '', context).toBe(text.replace(/\r\n?/g, '\n'));
      }
      if (html !== null) expect(parsed.html || '', context).toBe(html.replace(/\r\n?/g, '\n'));
    }
  });
});

/** mulberry32: a small seeded PRNG, so a failing case can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mostly ASCII with spaces, tabs and line breaks, plus Latin, Greek, Cyrillic, CJK and emoji. */
function randomText(random: () => number, maxLength: number): string {
  const ranges = [
    [40, 0x20, 0x7e],
    [6, 0x20, 0x20],
    [1, 0x09, 0x09],
    [3, 0x0a, 0x0a],
    [1, 0x0d, 0x0d],
    [8, 0xa0, 0x17f],
    [4, 0x391, 0x44f],
    [5, 0x3040, 0x9fff],
    [5, 0x1f300, 0x1faff],
  ] as const;
  const total = ranges.reduce((sum, [weight]) => sum + weight, 0);
  const length = Math.floor(random() * maxLength);
  let text = '';
  for (let i = 0; i < length; i++) {
    let pick = random() * total;
    for (const [weight, from, to] of ranges) {
      pick -= weight;
      if (pick < 0) {
        text += String.fromCodePoint(from + Math.floor(random() * (to - from + 1)));
        break;
      }
    }
  }
  return text;
}

describe('formatAddress', () => {
  it('quotes, escapes or encodes display names as needed', () => {
    expect(formatAddress({ email: 'a@example.org' })).toBe('a@example.org');
    expect(formatAddress({ name: null, email: 'a@example.org' })).toBe('a@example.org');
    expect(formatAddress({ name: 'Ada Lovelace', email: 'a@example.org' })).toBe(
      'Ada Lovelace <a@example.org>',
    );
    expect(formatAddress({ name: 'Doe, John "JD"', email: 'a@example.org' })).toBe(
      '"Doe, John \\"JD\\"" <a@example.org>',
    );
    expect(formatAddress({ name: 'Zoë', email: 'a@example.org' })).toBe(
      '=?UTF-8?Q?Zo=C3=AB?= <a@example.org>',
    );
  });

  it('round-trips tricky names through mailparser', async () => {
    const names = [
      'Doe, John "JD" \\ Jr.',
      'O’Brien (Sales)',
      'a'.repeat(120),
      '=?UTF-8?B?SGk=?=',
      'Team <team@evil.example>',
      '👩‍💻 Dev',
    ];
    for (const name of names) {
      const raw = Buffer.from(
        `To: ${formatAddress({ name, email: 'x@example.org' }, 4)}\r\nSubject: s\r\n\r\nx`,
      );
      const parsed = await simpleParser(raw);
      expect(single(parsed.to), name).toEqual({ name, address: 'x@example.org' });
    }
  });
});
