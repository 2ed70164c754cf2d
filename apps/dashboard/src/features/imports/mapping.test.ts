import { describe, expect, it } from 'vitest';
import { selectValue, splitCsvLine, toAttributeKey } from './mapping';

describe('import mapping helpers', () => {
  it('splits a header line, honouring quotes', () => {
    expect(splitCsvLine('Email,"Name, full","He said ""hi""", Plan ', ',')).toEqual([
      'Email',
      'Name, full',
      'He said "hi"',
      'Plan',
    ]);
    expect(splitCsvLine('Kontakt;Name', ';')).toEqual(['Kontakt', 'Name']);
  });

  it('names attributes the way the API does', () => {
    expect(toAttributeKey('Company Name')).toBe('company_name');
    expect(toAttributeKey('OptinTime')).toBe('optin_time');
    expect(toAttributeKey('Größe (cm)')).toBe('grosse_cm');
  });

  it('turns mapping choices back into select values', () => {
    expect(selectValue('email')).toBe('field:email');
    expect(selectValue('plan')).toBe('attr:plan');
    expect(selectValue('ignore')).toBe('ignore');
  });
});
