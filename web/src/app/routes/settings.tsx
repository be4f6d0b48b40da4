import { ErrorMessage } from '@/components/error-message';
import { Loading } from '@/components/spinner';
import { useSettings } from '@/features/settings/api/get-settings';
import { ConfigTable, SettingsWarnings, settingsWarnings } from '@/features/settings/components/config-list';
import { UnitSources, WebhookUrls } from '@/features/settings/components/settings-view';

export function SettingsRoute() {
  const settings = useSettings();
  return (
    <>
      <div className="page-head">
        <h1>Settings</h1>
        {settings.data && <span className="muted small">podup {settings.data.version}</span>}
      </div>
      {settings.isPending && <Loading label="Loading settings…" />}
      {settings.isError && (
        <ErrorMessage
          error={settings.error}
          title="Could not load settings"
          onRetry={() => void settings.refetch()}
        />
      )}
      {settings.data && (
        <div className="stack">
          <SettingsWarnings warnings={settingsWarnings(settings.data, { host: window.location.host })} />
          <WebhookUrls settings={settings.data} />
          <UnitSources units={settings.data.units} />
          <ConfigTable config={settings.data.config} />
        </div>
      )}
    </>
  );
}
