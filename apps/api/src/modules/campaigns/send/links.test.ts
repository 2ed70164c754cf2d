import { describe, expect, it } from 'vitest';
import { replaceAnchorHrefs, rewriteLinks, withOpenPixel, withUtm } from './links.js';

describe('link rewriting', () => {
  const upper = (url: string) => url.toUpperCase();

  it('finds the href of every <a> tag the way a browser reads attributes', () => {
    const html = [
      '<a href="https://a.example/x">1</a>',
      "<A class='btn' HREF = 'https://b.example/y'>2</A>",
      '<a title="see href=https://no.example" href=https://c.example/z>3</a>',
      '<a\n  data-x="1"\n  href="https://d.example/?q=1&amp;r=2">4</a>',
      '<abbr href="https://no.example">5</abbr>',
      '<a>6</a><area href="https://no.example">',
    ].join('');
    const seen: string[] = [];
    const out = replaceAnchorHrefs(html, (url) => {
      seen.push(url);
      return upper(url);
    });
    expect(seen).toEqual([
      'https://a.example/x',
      'https://b.example/y',
      'https://c.example/z',
      'https://d.example/?q=1&r=2',
    ]);
    expect(out).toBe(
      [
        '<a href="HTTPS://A.EXAMPLE/X">1</a>',
        '<A class=\'btn\' HREF = "HTTPS://B.EXAMPLE/Y">2</A>',
        '<a title="see href=https://no.example" href="HTTPS://C.EXAMPLE/Z">3</a>',
        '<a\n  data-x="1"\n  href="HTTPS://D.EXAMPLE/?Q=1&amp;R=2">4</a>',
        '<abbr href="https://no.example">5</abbr>',
        '<a>6</a><area href="https://no.example">',
      ].join(''),
    );
  });

  it('leaves the HTML untouched when nothing is replaced, and survives broken markup', () => {
    const html = '<p>Hi <a href="https://a.example">x</a></p>';
    expect(replaceAnchorHrefs(html, () => null)).toBe(html);
    for (const broken of ['<a href="https://a.example', '<a href=', '<a ', '<', '<a href'])
      expect(() => replaceAnchorHrefs(broken, upper)).not.toThrow();
  });

  it('adds UTM, tracks each destination once per message, and keeps the message’s own links', () => {
    const unsubscribe = 'https://herald.example/u/token';
    const html = `<a href="https://shop.example/sale?utm_source=keep">Sale</a>
      <a href="https://shop.example/sale?utm_source=keep">Again</a>
      <a href="mailto:help@shop.example">Mail</a>
      <a href="${unsubscribe}">Unsubscribe</a>`;
    const text = `Sale: https://shop.example/sale?utm_source=keep\nUnsubscribe: ${unsubscribe}`;
    const tracked: string[] = [];
    const out = rewriteLinks(
      html,
      text,
      {
        keep: new Set([unsubscribe]),
        utm: { source: 'herald', medium: 'email', campaign: 'spring' },
        utmCache: new Map(),
      },
      (destination) => {
        tracked.push(destination);
        return `https://herald.example/t/c/${tracked.length}`;
      },
    );
    expect(tracked).toEqual([
      'https://shop.example/sale?utm_source=keep&utm_medium=email&utm_campaign=spring',
    ]);
    expect(out.html.match(/t\/c\/1/g)).toHaveLength(2);
    expect(out.html).toContain('href="mailto:help@shop.example"');
    expect(out.html).toContain(`href="${unsubscribe}"`);
    expect(out.text).toBe(`Sale: https://herald.example/t/c/1\nUnsubscribe: ${unsubscribe}`);
  });

  it('keeps a link that cannot be tracked as its UTM destination', () => {
    const out = rewriteLinks(
      '<a href="https://a.example/">a</a>',
      '',
      { keep: new Set(), utm: { source: 'herald' } },
      () => null,
    );
    expect(out.html).toBe('<a href="https://a.example/?utm_source=herald">a</a>');
    expect(withUtm('not a url', { source: 'x' })).toBe('not a url');
  });

  it('puts the open pixel before </body>, or at the end without one', () => {
    expect(withOpenPixel('<html><body>Hi</body></html>', 'https://p/o')).toMatch(
      /^<html><body>Hi<img src="https:\/\/p\/o"[^>]*\/><\/body><\/html>$/,
    );
    expect(withOpenPixel('<p>Hi</p>', 'https://p/o')).toMatch(/^<p>Hi<\/p><img /);
  });
});
