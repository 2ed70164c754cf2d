import { describe, expect, it } from 'vitest';
import {
  editDistance,
  mapColumns,
  normalizeHeader,
  toAttributeKey,
  type MappingResult,
  type Target,
} from './mapping.js';

/** header → target, in a form that reads well in assertions. */
function targets(result: MappingResult): Record<string, string> {
  const describe = (target: Target) =>
    target.kind === 'field'
      ? target.field
      : target.kind === 'ignore'
        ? 'ignore'
        : `attribute:${target.key}${target.type ? `:${target.type}` : ''}`;
  return Object.fromEntries(result.columns.map((c) => [c.header, describe(c.target)]));
}

const MAILCHIMP =
  'Email Address,First Name,Last Name,Address,Phone Number,Birthday,MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,LATITUDE,LONGITUDE,GMTOFF,DSTOFF,TIMEZONE,CC,REGION,LAST_CHANGED,LEID,EUID,NOTES,TAGS';
const HUBSPOT =
  'Record ID,First Name,Last Name,Email,Phone Number,Company Name,Lifecycle Stage,Create Date,Contact owner,Last Activity Date,Lead Status,Marketing contact status,Job Title,City,State/Region,Country/Region,Time Zone,Preferred language';
const BREVO =
  'CONTACT ID,EMAIL,FIRSTNAME,LASTNAME,SMS,WHATSAPP,LANDLINE_NUMBER,ADDED_TIME,MODIFIED_TIME,BLACKLISTED,SMS_BLACKLISTED,OPT_IN,DOUBLE_OPT-IN,LIST_IDS';

describe('mapColumns: vendor exports map with no manual step', () => {
  it('maps a Mailchimp export', () => {
    const result = mapColumns(MAILCHIMP.split(','), []);
    expect(targets(result)).toEqual({
      'Email Address': 'email',
      'First Name': 'firstName',
      'Last Name': 'lastName',
      Address: 'attribute:address',
      'Phone Number': 'phone',
      Birthday: 'attribute:birthday',
      MEMBER_RATING: 'attribute:member_rating',
      OPTIN_TIME: 'attribute:optin_time',
      OPTIN_IP: 'attribute:optin_ip',
      CONFIRM_TIME: 'attribute:confirm_time',
      CONFIRM_IP: 'attribute:confirm_ip',
      LATITUDE: 'attribute:latitude',
      LONGITUDE: 'attribute:longitude',
      GMTOFF: 'attribute:gmtoff',
      DSTOFF: 'attribute:dstoff',
      TIMEZONE: 'timezone',
      CC: 'attribute:cc',
      REGION: 'attribute:region',
      LAST_CHANGED: 'attribute:last_changed',
      LEID: 'attribute:leid',
      EUID: 'attribute:euid',
      NOTES: 'attribute:notes',
      TAGS: 'tags',
    });
    expect(result.warnings).toEqual([]);
    expect(result.columns.map((c) => c.index)).toEqual(MAILCHIMP.split(',').map((_, i) => i));
  });

  it('maps a HubSpot export', () => {
    const result = mapColumns(HUBSPOT.split(','), []);
    expect(targets(result)).toEqual({
      'Record ID': 'attribute:record_id',
      'First Name': 'firstName',
      'Last Name': 'lastName',
      Email: 'email',
      'Phone Number': 'phone',
      'Company Name': 'attribute:company_name',
      'Lifecycle Stage': 'attribute:lifecycle_stage',
      'Create Date': 'attribute:create_date',
      'Contact owner': 'attribute:contact_owner',
      'Last Activity Date': 'attribute:last_activity_date',
      // HubSpot's lead status (New, Open, …) is not a subscription status.
      'Lead Status': 'attribute:lead_status',
      'Marketing contact status': 'attribute:marketing_contact_status',
      'Job Title': 'attribute:job_title',
      City: 'attribute:city',
      'State/Region': 'attribute:state_region',
      'Country/Region': 'attribute:country_region',
      'Time Zone': 'timezone',
      'Preferred language': 'locale',
    });
    expect(result.warnings).toEqual([]);
  });

  it('maps a Brevo export, taking SMS as the phone', () => {
    const result = mapColumns(BREVO.split(','), []);
    expect(targets(result)).toEqual({
      'CONTACT ID': 'attribute:contact_id',
      EMAIL: 'email',
      FIRSTNAME: 'firstName',
      LASTNAME: 'lastName',
      SMS: 'phone',
      WHATSAPP: 'attribute:whatsapp',
      LANDLINE_NUMBER: 'attribute:landline_number',
      ADDED_TIME: 'attribute:added_time',
      MODIFIED_TIME: 'attribute:modified_time',
      BLACKLISTED: 'attribute:blacklisted',
      SMS_BLACKLISTED: 'attribute:sms_blacklisted',
      OPT_IN: 'attribute:opt_in',
      'DOUBLE_OPT-IN': 'attribute:double_opt_in',
      LIST_IDS: 'attribute:list_ids',
    });
    expect(result.warnings).toEqual([]);
  });
});

describe('mapColumns: synonyms', () => {
  it.each([
    [
      'email',
      ['Email Address', 'E-mail', 'email_address', 'Email', 'EMAIL', 'mail', 'E-Mail-Adresse'],
    ],
    ['firstName', ['First Name', 'fname', 'Firstname', 'given name', 'Vorname', 'Prénom']],
    ['lastName', ['Last Name', 'Surname', 'lname', 'family name', 'Nachname', 'last_name']],
    ['phone', ['Phone Number', 'phone', 'mobile', 'Telephone', 'Mobile Phone Number', 'Tel.']],
    ['timezone', ['Time zone', 'TZ', 'timezone']],
    ['locale', ['Language', 'locale', 'lang']],
    ['tags', ['Tags', 'TAGS', 'tag']],
    ['status', ['Status', 'subscription status', 'Subscription-Status']],
  ])('maps every spelling of %s', (field, headers) => {
    for (const header of headers) {
      expect(targets(mapColumns([header], [])), header).toEqual({ [header]: field });
    }
  });

  it('makes Company an attribute, not a built-in field', () => {
    expect(targets(mapColumns(['Company', 'Company Name'], []))).toEqual({
      Company: 'attribute:company',
      'Company Name': 'attribute:company_name',
    });
  });
});

describe('mapColumns: fuzzy matching', () => {
  it('maps close misspellings and says so', () => {
    const result = mapColumns(['Emial', 'First Nmae', 'Lastnmae', 'Phoen Number'], []);
    expect(targets(result)).toEqual({
      Emial: 'email',
      'First Nmae': 'firstName',
      Lastnmae: 'lastName',
      'Phoen Number': 'phone',
    });
    expect(result.warnings).toEqual([
      'Column "Emial" is mapped to email as a likely misspelling of "email".',
      'Column "First Nmae" is mapped to firstName as a likely misspelling of "firstname".',
      'Column "Lastnmae" is mapped to lastName as a likely misspelling of "lastname".',
      'Column "Phoen Number" is mapped to phone as a likely misspelling of "phonenumber".',
    ]);
  });

  it('does not stretch short words or abbreviations into other fields', () => {
    expect(
      targets(mapColumns(['Name', 'State', 'Title', 'Date', 'CC', 'Gender', 'Notes'], [])),
    ).toEqual({
      Name: 'attribute:name',
      State: 'attribute:state',
      Title: 'attribute:title',
      Date: 'attribute:date',
      CC: 'attribute:cc',
      Gender: 'attribute:gender',
      Notes: 'attribute:notes',
    });
  });
});

describe('mapColumns: one column per built-in field', () => {
  it('keeps the leftmost of two equally good matches and warns about the other', () => {
    const result = mapColumns(['Email', 'E-mail'], []);
    expect(targets(result)).toEqual({ Email: 'email', 'E-mail': 'attribute:e_mail' });
    expect(result.warnings).toEqual([
      'Column "E-mail" looks like email, but "Email" comes first; "E-mail" is imported as an attribute.',
    ]);
  });

  it('prefers an exact synonym over an earlier misspelling', () => {
    const result = mapColumns(['Emial', 'Email'], []);
    expect(targets(result)).toEqual({ Emial: 'attribute:emial', Email: 'email' });
    expect(result.warnings).toEqual([
      'Column "Emial" looks like email, but "Email" matches better; "Emial" is imported as an attribute.',
    ]);
  });

  it('gives HubSpot a single phone when both phone columns are present', () => {
    const result = mapColumns(['Phone Number', 'Mobile Phone Number'], []);
    expect(targets(result)).toEqual({
      'Phone Number': 'phone',
      'Mobile Phone Number': 'attribute:mobile_phone_number',
    });
    expect(result.warnings).toHaveLength(1);
  });
});

describe('mapColumns: custom fields', () => {
  const fields = [
    { key: 'birthday', type: 'date' as const },
    { key: 'companySize', type: 'number' as const },
    { key: 'mobile', type: 'string' as const },
    { key: 'email', type: 'string' as const },
  ];

  it('maps columns named like a custom field to it, with its key and type', () => {
    const result = mapColumns(['Email', 'Birthday', 'Company Size', 'company_size_2'], fields);
    expect(targets(result)).toEqual({
      Email: 'email',
      Birthday: 'attribute:birthday:date',
      'Company Size': 'attribute:companySize:number',
      company_size_2: 'attribute:company_size_2',
    });
  });

  it('lets a custom field beat a synonym, but never a built-in field by its own name', () => {
    expect(targets(mapColumns(['Phone', 'Mobile'], fields))).toEqual({
      Phone: 'phone',
      Mobile: 'attribute:mobile:string',
    });
  });
});

describe('mapColumns: explicit mapping', () => {
  it('overrides automatic matching', () => {
    const result = mapColumns(
      ['Email', 'Work Email', 'Notes', 'Birth date', 'Tags'],
      [{ key: 'birthday', type: 'date' }],
      {
        Email: 'ignore',
        'Work Email': 'email',
        Notes: 'comment',
        'Birth date': 'Birthday',
        Tags: 'firstName',
      },
    );
    expect(targets(result)).toEqual({
      Email: 'ignore',
      'Work Email': 'email',
      Notes: 'attribute:comment',
      'Birth date': 'attribute:birthday:date',
      Tags: 'firstName',
    });
    expect(result.warnings).toEqual([]);
  });

  it('turns an automatic match for an explicitly claimed field into an attribute', () => {
    const result = mapColumns(['Email', 'Work Email'], [], { 'Work Email': 'email' });
    expect(targets(result)).toEqual({ Email: 'attribute:email', 'Work Email': 'email' });
    expect(result.warnings).toEqual([
      'Column "Email" looks like email, but "Work Email" is mapped to it; "Email" is imported as an attribute.',
    ]);
  });

  it('accepts field names in any spelling and header names normalized', () => {
    expect(
      targets(mapColumns(['E-Mail', 'Given'], [], { email: 'EMAIL', given: 'First Name' })),
    ).toEqual({
      'E-Mail': 'email',
      Given: 'firstName',
    });
  });

  it('warns about mappings for missing columns, empty targets and double-mapped fields', () => {
    const result = mapColumns(['A', 'B', 'C'], [], { A: 'email', B: 'email', C: ' ', Z: 'phone' });
    expect(targets(result)).toEqual({ A: 'email', B: 'attribute:b', C: 'attribute:c' });
    expect(result.warnings).toEqual([
      'The mapping for column "C" is empty; the column is matched automatically.',
      'The mapping names column "Z", which the file does not have.',
      'Columns "A" and "B" are both mapped to email; "B" is imported as an attribute instead.',
    ]);
  });
});

describe('mapColumns: attribute keys', () => {
  it('snake_cases headers, names blank ones by position and de-duplicates', () => {
    const result = mapColumns(['Notes', 'notes', '', '  ', 'OptinTime', 'Größe (cm)', 'NOTES'], []);
    expect(result.columns.map((c) => c.target)).toEqual([
      { kind: 'attribute', key: 'notes' },
      { kind: 'attribute', key: 'notes_2' },
      { kind: 'attribute', key: 'column_3' },
      { kind: 'attribute', key: 'column_4' },
      { kind: 'attribute', key: 'optin_time' },
      { kind: 'attribute', key: 'grosse_cm' },
      { kind: 'attribute', key: 'notes_3' },
    ]);
    expect(result.warnings).toEqual([
      'Column 3 has no name; it is imported as attribute "column_3".',
      'Column 4 has no name; it is imported as attribute "column_4".',
    ]);
  });

  it('fills a custom field from one column only and keeps its key for it', () => {
    const result = mapColumns(['Birthday', 'birthday'], [{ key: 'birthday', type: 'date' }]);
    expect(result.columns.map((c) => c.target)).toEqual([
      { kind: 'attribute', key: 'birthday', type: 'date' },
      { kind: 'attribute', key: 'birthday_2' },
    ]);
    expect(result.warnings).toEqual([
      'Column "birthday" also names custom field birthday, which "Birthday" fills; "birthday" is imported as an attribute.',
    ]);
  });
});

describe('helpers', () => {
  it('normalizes headers for comparison', () => {
    expect(normalizeHeader(' E-Mail Address ')).toBe('emailaddress');
    expect(normalizeHeader('Prénom')).toBe('prenom');
    expect(normalizeHeader('first_name')).toBe('firstname');
  });

  it('builds snake_case attribute keys', () => {
    expect(toAttributeKey('Company Name')).toBe('company_name');
    expect(toAttributeKey('MEMBER_RATING')).toBe('member_rating');
    expect(toAttributeKey('lastActivityDate')).toBe('last_activity_date');
    expect(toAttributeKey('State/Region')).toBe('state_region');
    expect(toAttributeKey('--')).toBe('');
  });

  it('counts a transposition as one edit', () => {
    expect(editDistance('emial', 'email')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('abc', 'xyz', 1)).toBe(2);
  });
});
