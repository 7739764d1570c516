// Record shaping on the way out: `attributes.url` carries the version the
// client asked for, whatever version the data layer wrote there.
const VERSIONED = /\/services\/data\/v\d+\.\d+\//;

export function withVersion<T>(value: T, version: string): T {
  if (Array.isArray(value)) {
    for (const v of value) withVersion(v, version);
  } else if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    for (const [k, v] of Object.entries(obj)) {
      if (k === 'attributes' && v && typeof v === 'object') {
        const a = v as Record<string, unknown>;
        if (typeof a.url === 'string') a.url = a.url.replace(VERSIONED, `/services/data/v${version}/`);
      } else if (v && typeof v === 'object') withVersion(v, version);
    }
  }
  return value;
}

const API_PATH = /^\/services\/data\/v\d+\.\d+(?=\/)/;

/**
 * A describe at the version the client asked: every URL it holds (`urls`, record types' layouts,
 * describeGlobal's entries) names that version, as Salesforce's describe at vNN.0 does.
 */
export function describedAt<T>(value: T, version: string): T {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'string') value[i] = v.replace(API_PATH, `/services/data/v${version}`);
      else describedAt(v, version);
    }
  } else if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    for (const [k, v] of Object.entries(obj)) {
      if (typeof v === 'string') obj[k] = v.replace(API_PATH, `/services/data/v${version}`);
      else if (v && typeof v === 'object') describedAt(v, version);
    }
  }
  return value;
}
