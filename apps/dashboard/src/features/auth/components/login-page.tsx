import { useRef, useState, type FormEvent } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { TextField } from '../../../components/ui/field';
import { ApiError } from '../../../lib/api-error';
import { sessionStore } from '../../../lib/session';
import { useLogin } from '../api';
import { safeNext } from '../safe-next';
import { useSession } from '../session-hooks';
import { checkEmail, checkRequired, firstInvalid } from '../validation';
import { AuthLayout } from './auth-layout';
import { FormError, serverFieldError } from './form-error';

type Field = 'email' | 'password';
const FIELDS: readonly Field[] = ['email', 'password'];

export function LoginPage() {
  const session = useSession();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const login = useLogin();
  const formRef = useRef<HTMLFormElement>(null);
  const [values, setValues] = useState({ email: '', password: '' });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [isExpired] = useState(() => sessionStore.peekEndReason() === 'expired');

  if (session) return <Navigate to={next} replace />;

  const change = (field: Field, value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    setErrors((current) => ({ ...current, [field]: undefined }));
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found = {
      email: checkEmail(values.email),
      password: checkRequired(values.password, 'Enter your password.'),
    };
    setErrors(found);
    if (firstInvalid(event.currentTarget, found, FIELDS)) return;
    login.mutate(
      { email: values.email.trim(), password: values.password },
      {
        onError: (error) => {
          if (error instanceof ApiError && error.code === 'invalid_credentials') {
            setValues((current) => ({ ...current, password: '' }));
            formRef.current?.querySelector<HTMLInputElement>('input[name="password"]')?.focus();
          }
        },
      },
    );
  };

  const registerHref = next === '/' ? '/register' : `/register?next=${encodeURIComponent(next)}`;

  return (
    <AuthLayout
      title="Log in to Herald"
      description="Welcome back. Pick up where your campaigns left off."
      footer={
        <>
          New to Herald?{' '}
          <Link to={registerHref} className="font-medium text-indigo-700 hover:text-indigo-600">
            Create an account
          </Link>
        </>
      }
    >
      <form ref={formRef} onSubmit={submit} noValidate className="space-y-5">
        {isExpired && !login.error && (
          <Alert variant="info">Your session has ended. Log in again to continue.</Alert>
        )}
        <FormError error={login.error} fields={FIELDS} />
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          autoFocus
          value={values.email}
          onChange={(event) => change('email', event.target.value)}
          error={errors.email ?? serverFieldError(login.error, 'email')}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={values.password}
          onChange={(event) => change('password', event.target.value)}
          error={errors.password ?? serverFieldError(login.error, 'password')}
        />
        <Button type="submit" size="lg" className="w-full" isLoading={login.isPending}>
          Log in
        </Button>
      </form>
    </AuthLayout>
  );
}
