import { describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/api-error';
import { bodyOf, check, draftOf, serverErrors } from './sender-form';

const filled = () => ({
  ...draftOf(undefined),
  name: 'Newsletter',
  fromEmail: 'news@acme.test',
  host: 'smtp.acme.test',
  username: 'mailer',
  password: 'secret',
});

describe('sender form', () => {
  it('checks what the API would refuse, keyed by the API’s paths', () => {
    const draft = { ...filled(), port: '70000', perHour: '0', hasWindow: true };
    draft.window = { ...draft.window, days: [], end: draft.window.start };
    expect(Object.keys(check(draft, undefined)).sort()).toEqual([
      'limits.perHour',
      'smtp.port',
      'window.days',
      'window.end',
    ]);
    expect(check(filled(), undefined)).toEqual({});
  });

  it('keeps a stored password unless a new one is typed', () => {
    const stored = {
      smtp: { hasPassword: true },
    } as Parameters<typeof bodyOf>[1];
    const kept = bodyOf({ ...filled(), password: '' }, stored);
    expect(kept.smtp).not.toHaveProperty('password');
    expect(check({ ...filled(), password: '' }, stored)).toEqual({});
    expect(bodyOf(filled(), stored).smtp).toMatchObject({ password: 'secret' });
  });

  it('sends empty limits and no window as null', () => {
    const body = bodyOf({ ...filled(), perSecond: '5' }, undefined);
    expect(body.limits).toEqual({ perSecond: 5, perHour: null, perDay: null });
    expect(body.window).toBeNull();
  });

  it('reads both kinds of API error path onto the fields', () => {
    const error = new ApiError(400, 'validation_failed', 'Bad Request', '', [
      { path: 'body.smtp.port', message: 'Too big: expected number to be <=65535' },
      { path: 'window.timezone', message: 'unknown timezone "Mars/Base"' },
    ]);
    expect(serverErrors(error)).toEqual({
      'smtp.port': 'Too big: expected number to be <=65535.',
      'window.timezone': 'Unknown timezone "Mars/Base".',
    });
  });
});
