/**
 * What a support bundle says about the machine pantherctl ran on, without credentials: an
 * allow-list of variables whose values help support (region, profile name, endpoint, CI), and
 * for every other AWS_/PANTHERCTL_/DD_ variable only that it is set.
 */

/** Variables whose values are shown: they select things but grant nothing. */
const SHOWN = new Set([
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_ENDPOINT_URL',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_SDK_LOAD_CONFIG',
  'AWS_STS_REGIONAL_ENDPOINTS',
  'AWS_RETRY_MODE',
  'AWS_MAX_ATTEMPTS',
  'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'NO_PROXY',
  'CI',
  'NO_COLOR',
  'TERM',
  'LANG',
  'TZ',
]);

/** Names worth reporting as set/unset; their values may be credentials. */
const REPORTED_PREFIX = /^(AWS_|PANTHERCTL_|DD_|DATADOG_|SEGMENT_)/;

export interface EnvironmentInfo {
  pantherctlVersion: string;
  node: string;
  platform: string;
  arch: string;
  /** Values of the allow-listed variables that are set. */
  variables: Record<string, string>;
  /** Other AWS_/PANTHERCTL_/DD_ variables that are set, by name only. */
  setButHidden: string[];
}

export interface EnvironmentInput {
  pantherctlVersion: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Default process.version / process.platform / process.arch. */
  node?: string;
  platform?: string;
  arch?: string;
}

export function describeEnvironment(input: EnvironmentInput): EnvironmentInfo {
  const variables: Record<string, string> = {};
  const hidden: string[] = [];
  for (const [name, value] of Object.entries(input.env).sort(([a], [b]) => a.localeCompare(b))) {
    if (value === undefined) continue;
    // AWS_ENDPOINT_URL_<SERVICE> selects an endpoint per service, like AWS_ENDPOINT_URL.
    if (SHOWN.has(name) || name.startsWith('AWS_ENDPOINT_URL_')) variables[name] = value;
    else if (REPORTED_PREFIX.test(name)) hidden.push(name);
  }
  return {
    pantherctlVersion: input.pantherctlVersion,
    node: input.node ?? process.version,
    platform: input.platform ?? process.platform,
    arch: input.arch ?? process.arch,
    variables,
    setButHidden: hidden,
  };
}
