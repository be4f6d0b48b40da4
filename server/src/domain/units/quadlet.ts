/**
 * Quadlet `.container` files: the [Container] section names the image and the auto-update policy of the
 * service Quadlet generates (<stem>.service unless ServiceName= says otherwise). Pure: the text comes in.
 * @see https://docs.podman.io/en/latest/markdown/podman-systemd.unit.5.html
 */

export interface QuadletContainer {
  /** The service unit Quadlet generates for this file. */
  unit: string;
  image: string | undefined;
  /** AutoUpdate= value ("registry", "local"), undefined when unset. */
  autoUpdate: string | undefined;
  containerName: string | undefined;
  /** Label= entries (key=value, space-separated, double quotes keep spaces), later ones win. */
  labels: Record<string, string>;
}

/** Environment=-style words: whitespace separates, double quotes group. */
function words(value: string): string[] {
  return [...value.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) =>
    (m[1] ?? m[2] ?? '').replace(/\\"/g, '"'),
  );
}

function labelsOf(values: readonly string[] | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const v of values ?? []) {
    for (const w of words(v)) {
      const eq = w.indexOf('=');
      if (eq > 0) labels[w.slice(0, eq)] = w.slice(eq + 1);
    }
  }
  return labels;
}

/** systemd unit-file syntax: sections, key=value, comments with # or ;, backslash line continuations. */
export function parseUnitFile(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[([^\]]+)\]$/.exec(line);
    if (section?.[1]) {
      current = sections.get(section[1]) ?? new Map<string, string[]>();
      sections.set(section[1], current);
      continue;
    }
    const eq = line.indexOf('=');
    if (!current || eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    current.set(key, [...(current.get(key) ?? []), value]);
  }
  return sections;
}

const last = (values: string[] | undefined): string | undefined => {
  const v = values?.at(-1);
  return v === undefined || v === '' ? undefined : v.replace(/^"(.*)"$/, '$1');
};

/** `fileName` is the base name, e.g. "web.container". */
export function parseQuadletContainer(fileName: string, text: string): QuadletContainer | undefined {
  if (!fileName.endsWith('.container')) return undefined;
  const sections = parseUnitFile(text);
  const container = sections.get('Container');
  const stem = fileName.slice(0, -'.container'.length);
  const serviceName =
    last(container?.get('ServiceName')) ?? last(sections.get('Service')?.get('ServiceName'));
  return {
    unit: serviceName
      ? serviceName.endsWith('.service')
        ? serviceName
        : `${serviceName}.service`
      : `${stem}.service`,
    image: last(container?.get('Image')),
    autoUpdate: last(container?.get('AutoUpdate'))?.toLowerCase(),
    containerName: last(container?.get('ContainerName')),
    labels: labelsOf(container?.get('Label')),
  };
}
