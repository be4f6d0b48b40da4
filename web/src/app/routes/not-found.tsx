import { Link, useLocation } from 'react-router';
import { paths } from '@/config/paths';

export function NotFoundRoute() {
  const location = useLocation();
  return (
    <section className="card">
      <h1>Page not found</h1>
      <p>
        There is no page at <code>{location.pathname}</code>.{' '}
        <Link to={paths.overview}>Back to the overview</Link>.
      </p>
    </section>
  );
}
