import { Suspense, useEffect } from 'react';
import {
  Navigate,
  NavLink,
  Outlet,
  useLocation,
  useNavigate,
  useNavigation,
  useRouteError,
} from 'react-router';
import { Button } from '@/components/button';
import { CrashFallback, ErrorBoundary } from '@/components/error-boundary';
import { ErrorMessage } from '@/components/error-message';
import { Loading } from '@/components/spinner';
import { ThemeToggle } from '@/components/theme-toggle';
import { paths } from '@/config/paths';
import { useSession } from '@/features/auth/api/get-session';
import { useSignOut } from '@/features/auth/api/sign-out';
import { useHealth } from '@/features/overview/api/get-health';
import { useOverview } from '@/features/overview/api/get-overview';
import { useReadiness } from '@/features/overview/api/get-readiness';
import { isUnauthorized } from '@/lib/api-client';
import { formatTitle, usePageName } from '@/lib/page-title';

const NAV = [
  { to: paths.overview, label: 'Overview', end: true },
  { to: paths.tasks, label: 'Tasks', end: false },
  { to: paths.units, label: 'Units', end: false },
  { to: paths.schedules, label: 'Schedules', end: false },
  { to: paths.events, label: 'Events', end: false },
  { to: paths.notifications, label: 'Notifications', end: false },
  { to: paths.tokens, label: 'Tokens', end: false },
  { to: paths.settings, label: 'Settings', end: false },
];

/** The page's own name and the tasks failed in the last 24 h (the overview's count) in the tab's title. */
function DocumentTitle() {
  const own = usePageName();
  const { pathname } = useLocation();
  const name = own || (NAV.find((n) => (n.end ? pathname === n.to : pathname.startsWith(n.to)))?.label ?? '');
  const failed = useOverview().data?.counts.failed24h;
  useEffect(() => {
    document.title = formatTitle(name, failed);
  }, [name, failed]);
  return null;
}

function ReadinessPill() {
  const readiness = useReadiness();
  if (readiness.isPending) return null;
  const ready = readiness.data?.status === 'ready';
  return (
    <NavLink to={paths.overview} className={`pill tone-${ready ? 'ok' : 'bad'}`} title="Readiness (/readyz)">
      {ready ? 'Ready' : readiness.isError ? 'Unreachable' : 'Not ready'}
    </NavLink>
  );
}

function SignOutButton() {
  const signOut = useSignOut();
  const navigate = useNavigate();
  return (
    <Button
      size="sm"
      variant="ghost"
      busy={signOut.isPending}
      onClick={() => signOut.mutate(undefined, { onSettled: () => void navigate(paths.signIn) })}
    >
      Sign out
    </Button>
  );
}

/** Header, navigation and the page; anyone not signed in goes to the sign-in page and comes back after. */
export function RootLayout() {
  const session = useSession();
  const location = useLocation();
  const navigation = useNavigation();
  const health = useHealth();

  const needsSignIn =
    (session.isError && isUnauthorized(session.error)) || session.data?.authenticated === false;
  if (needsSignIn) {
    return <Navigate to={paths.signInThenBack(location.pathname + location.search)} replace />;
  }
  if (session.isPending) return <Loading label="Checking your session…" />;

  return (
    <div className="shell">
      <DocumentTitle />
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink to={paths.overview} className="brand">
          podup
          {health.data && <span className="version"> v{health.data.version}</span>}
          <span className="sr-only"> overview</span>
        </NavLink>
        <nav aria-label="Main" className="nav">
          {NAV.map((n) => (
            <NavLink key={n.to} to={n.to} end={n.end} className="nav-link">
              {n.label}
            </NavLink>
          ))}
        </nav>
        <div className="topbar-end">
          <ReadinessPill />
          <ThemeToggle />
          {session.data?.method === 'cookie' && <SignOutButton />}
        </div>
      </header>
      {navigation.state === 'loading' && (
        <div className="progress" role="progressbar" aria-label="Loading page" />
      )}
      {session.isError && (
        <div className="page">
          <ErrorMessage error={session.error} title="Could not check your session" />
        </div>
      )}
      <main id="main" className="page" tabIndex={-1}>
        <ErrorBoundary
          key={location.pathname}
          fallback={(error, reset) => <CrashFallback error={error} reset={reset} />}
        >
          <Suspense fallback={<Loading />}>
            <Outlet />
          </Suspense>
        </ErrorBoundary>
      </main>
    </div>
  );
}

/** A route that failed to load (a lazy chunk after a redeploy, usually). */
export function RouteError() {
  const error = useRouteError();
  return (
    <main className="page">
      <CrashFallback error={error instanceof Error ? error : new Error('this page failed to load')} />
    </main>
  );
}
