import { Link, Navigate, useSearchParams } from 'react-router';
import { safeNext } from '../safe-next';
import { useSession } from '../session-hooks';
import { AuthLayout } from './auth-layout';
import { RegisterForm } from './register-form';

export function RegisterPage() {
  const session = useSession();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  if (session) return <Navigate to={next} replace />;
  const loginHref = next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
  return (
    <AuthLayout
      title="Create your Herald account"
      description="Set up your organization in a minute. No credit card, it runs on your servers."
      footer={
        <>
          Already have an account?{' '}
          <Link to={loginHref} className="font-medium text-indigo-700 hover:text-indigo-600">
            Log in
          </Link>
        </>
      }
    >
      <RegisterForm submitLabel="Create account" />
    </AuthLayout>
  );
}
