import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { ThemeToggle } from '@/components/theme-toggle';
import { safeNext } from '@/config/paths';
import { useSession } from '@/features/auth/api/get-session';
import { SignInForm } from '@/features/auth/components/sign-in-form';

export function SignInRoute() {
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const navigate = useNavigate();
  const session = useSession();

  if (session.data?.authenticated) return <Navigate to={next} replace />;

  return (
    <div className="sign-in-page">
      <div className="sign-in-top">
        <span className="brand">podup</span>
        <ThemeToggle />
      </div>
      <main id="main">
        <SignInForm onSignedIn={() => void navigate(next, { replace: true })} />
        {next !== '/' && (
          <p className="muted small center">
            You will be taken back to <code>{next}</code>.
          </p>
        )}
      </main>
    </div>
  );
}
