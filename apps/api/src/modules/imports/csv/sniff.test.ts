import { describe, expect, it } from 'vitest';
import { sniffDelimiter } from './sniff.js';

describe('sniffDelimiter', () => {
  it.each([
    [',', 'email,first_name,last_name\na@x.com,Ann,Lee\nb@x.com,Bo,Kim\n'],
    [';', 'email;first_name;last_name\na@x.com;Ann;Lee\nb@x.com;Bo;Kim\n'],
    ['\t', 'email\tfirst_name\tlast_name\na@x.com\tAnn\tLee\nb@x.com\tBo\tKim\n'],
    ['|', 'email|first_name|last_name\na@x.com|Ann|Lee\nb@x.com|Bo|Kim\n'],
  ])('detects %j', (delimiter, sample) => {
    expect(sniffDelimiter(sample)).toBe(delimiter);
    expect(sniffDelimiter(sample.replaceAll('\n', '\r\n'))).toBe(delimiter);
  });

  it('ignores delimiters inside quoted fields, including ones spanning lines', () => {
    const sample = [
      'name;company;note',
      '"Doe, John";"Acme, Inc, Ltd";"a, b, c"',
      '"Lee, Ann";"Foo, Bar";"multi',
      'line, with, commas"',
      'Kim;Baz;x',
    ].join('\n');
    expect(sniffDelimiter(sample)).toBe(';');
  });

  it('does not count commas that are inside quotes on every line', () => {
    const sample = '"name, full";"city, country"\n"Doe, John";"Paris, FR"\n"Lee, Ann";"Rome, IT"\n';
    expect(sniffDelimiter(sample)).toBe(';');
  });

  it('prefers the consistent delimiter over a more frequent but irregular one', () => {
    const sample = 'email;amount\na@x.de;1,5\nb@x.de;2\nc@x.de;3,25\nd@x.de;1,234,5\n';
    expect(sniffDelimiter(sample)).toBe(';');
  });

  it('is not fooled by a quote in the middle of an unquoted field', () => {
    const sample = 'product,size,price\nTV,55" screen,499\nTV,65" screen,899\n';
    expect(sniffDelimiter(sample)).toBe(',');
  });

  it('tolerates blank lines and a truncated last line in the sample', () => {
    const sample = 'a|b|c\n\n1|2|3\n   \n4|5|6\n7|8,9,10,11,12';
    expect(sniffDelimiter(sample)).toBe('|');
  });

  it('reads a header-only sample', () => {
    expect(sniffDelimiter('email;first name;last name')).toBe(';');
  });

  it('falls back to a comma for a single-column file', () => {
    expect(sniffDelimiter('email\na@x.com\nb@x.com\n')).toBe(',');
    expect(sniffDelimiter('')).toBe(',');
  });
});
