import { createBrowserRouter, createMemoryRouter, type RouteObject } from 'react-router';
import { Loading } from '@/components/spinner';
import { paths } from '@/config/paths';
import { RootLayout, RouteError } from './routes/root-layout';

function PageLoading() {
  return <Loading />;
}

/** Every page but the shell is its own chunk, loaded on first visit. */
export const routes: RouteObject[] = [
  {
    path: paths.signIn,
    HydrateFallback: PageLoading,
    lazy: () => import('./routes/sign-in').then((m) => ({ Component: m.SignInRoute })),
  },
  {
    path: '/',
    Component: RootLayout,
    HydrateFallback: PageLoading,
    ErrorBoundary: RouteError,
    children: [
      { index: true, lazy: () => import('./routes/overview').then((m) => ({ Component: m.OverviewRoute })) },
      { path: 'tasks', lazy: () => import('./routes/tasks').then((m) => ({ Component: m.TasksRoute })) },
      { path: 'units', lazy: () => import('./routes/units').then((m) => ({ Component: m.UnitsRoute })) },
      {
        path: 'units/:unit',
        lazy: () => import('./routes/unit').then((m) => ({ Component: m.UnitRoute })),
      },
      {
        path: 'schedules',
        lazy: () => import('./routes/schedules').then((m) => ({ Component: m.SchedulesRoute })),
      },
      { path: 'events', lazy: () => import('./routes/events').then((m) => ({ Component: m.EventsRoute })) },
      { path: 'tokens', lazy: () => import('./routes/tokens').then((m) => ({ Component: m.TokensRoute })) },
      {
        path: 'notifications',
        lazy: () => import('./routes/notifications').then((m) => ({ Component: m.NotificationsRoute })),
      },
      {
        path: 'settings',
        lazy: () => import('./routes/settings').then((m) => ({ Component: m.SettingsRoute })),
      },
      { path: '*', lazy: () => import('./routes/not-found').then((m) => ({ Component: m.NotFoundRoute })) },
    ],
  },
];

export const createAppRouter = () => createBrowserRouter(routes);

/** For tests: the same routes, starting at `url`. */
export const createTestRouter = (url: string) => createMemoryRouter(routes, { initialEntries: [url] });
