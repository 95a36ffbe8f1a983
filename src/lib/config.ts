/**
 * The configuration file: `$XDG_CONFIG_HOME/ecsdeck/config.json` (else `~/.config/ecsdeck/config.json`, or the file
 * ECSDECK_CONFIG names). Defaults for every run plus settings per AWS profile. Read with lib/reader.ts: the first
 * problem is one ConfigError sentence naming the file and the key, unknown keys are errors (a typo is never ignored),
 * and a missing file means the built-in defaults. Nothing is half-applied: the caller gets a whole config or an error.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, sep } from 'node:path';
import { childPath, describeValue, FieldError, isPlainObject, ObjectReader } from './reader.ts';

/** The bounds of `refresh` (seconds) and `budget` (calls per second), shared with the command-line flags. */
export const REFRESH_RANGE = { min: 1, max: 3600 } as const;
export const BUDGET_RANGE = { min: 0.2, max: 1000 } as const;
/** CloudWatch Logs calls per second by default (`--logs-budget`): GetLogEvents alone allows 10 per account. */
export const DEFAULT_LOGS_BUDGET_PER_SECOND = 2;

export const THEMES = ['auto', 'no-color'] as const;
export type ThemeSetting = (typeof THEMES)[number];

/** Settings that apply when ecsdeck runs with this AWS profile. */
export interface ProfileSettings {
  /** Every mutating key disabled, as with --read-only. */
  readOnly?: boolean;
  /** Text of a banner shown while this profile is in use, e.g. "PRODUCTION". */
  banner?: string;
  region?: string;
  budget?: number;
  /** CloudWatch Logs calls per second, as with --logs-budget. */
  logsBudget?: number;
  /** CloudWatch GetMetricData calls per second. */
  metricsBudget?: number;
}

export interface EcsdeckConfig {
  profile?: string;
  region?: string;
  refresh?: number;
  budget?: number;
  /** CloudWatch Logs calls per second, as with --logs-budget. */
  logsBudget?: number;
  /** CloudWatch GetMetricData calls per second (`--metrics-budget`). */
  metricsBudget?: number;
  theme?: ThemeSetting;
  /** Key overrides: command id -> the keys that run it (replacing its default keys). */
  keys?: Record<string, string[]>;
  profiles?: Record<string, ProfileSettings>;
}

/** A config file that cannot be used; the message is one sentence naming the file and the key. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface ConfigLocation {
  path: string;
  /** How messages name the file: `~/...` under the home directory. */
  display: string;
  /** Named by ECSDECK_CONFIG: then a missing file is an error, not "use the defaults". */
  explicit: boolean;
}

export interface ConfigEnvironment {
  env?: Readonly<Record<string, string | undefined>>;
  /** The home directory when HOME is unset; os.homedir() by default. */
  homeDirectory?: string;
}

function homeOf(options: ConfigEnvironment): string {
  const env = options.env ?? process.env;
  return env.HOME?.trim() || options.homeDirectory || homedir();
}

function displayPath(path: string, home: string): string {
  return path.startsWith(home + sep) ? `~${path.slice(home.length)}` : path;
}

export function configLocation(options: ConfigEnvironment = {}): ConfigLocation {
  const env = options.env ?? process.env;
  const home = homeOf(options);
  const explicit = env.ECSDECK_CONFIG?.trim();
  if (explicit) return { path: explicit, display: displayPath(explicit, home), explicit: true };
  const xdg = env.XDG_CONFIG_HOME?.trim();
  // The XDG spec says a relative value is invalid and must be ignored.
  const base = xdg && isAbsolute(xdg) ? xdg : join(home, '.config');
  const path = join(base, 'ecsdeck', 'config.json');
  return { path, display: displayPath(path, home), explicit: false };
}

export interface LoadedConfig {
  config: EcsdeckConfig;
  location: ConfigLocation;
  /** False when there was no file and the defaults apply. */
  found: boolean;
}

export interface LoadConfigOptions extends ConfigEnvironment {
  /** The command ids `keys` may name (from the keymap); absent, any id is accepted. */
  commandIds?: readonly string[];
}

/** Finds, reads and validates the config file. Throws ConfigError. */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const location = configLocation(options);
  let text: string;
  try {
    text = readFileSync(location.path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !location.explicit) return { config: {}, location, found: false };
    const problem =
      code === 'ENOENT'
        ? 'does not exist (ECSDECK_CONFIG names it)'
        : code === 'EISDIR'
          ? 'is a directory, not a file'
          : code === 'EACCES' || code === 'EPERM'
            ? 'cannot be read (permission denied)'
            : `cannot be read (${code ?? 'unknown error'})`;
    throw new ConfigError(`${location.display}: ${problem}.`);
  }
  return {
    config: parseConfig(text, {
      file: location.display,
      ...(options.commandIds ? { commandIds: options.commandIds } : {}),
    }),
    location,
    found: true,
  };
}

// ---------------------------------------------------------------- validation

/** C0 and C1 controls and bidi overrides: text that would steer the terminal instead of being shown. */
function hasControlCharacter(text: string): boolean {
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
    if (code === 0x200e || code === 0x200f || (code >= 0x202a && code <= 0x202e)) return true;
    if (code >= 0x2066 && code <= 0x2069) return true;
  }
  return false;
}

/** `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

const NAMED_KEYS = new Set([
  'enter',
  'esc',
  'tab',
  'shift-tab',
  'space',
  'backspace',
  'delete',
  'up',
  'down',
  'left',
  'right',
  'pgup',
  'pgdn',
  'home',
  'end',
]);

/** A key name as the keymap writes them: one printable character, a named key, or `ctrl-<letter>`. */
export function isKeyName(name: string): boolean {
  if (NAMED_KEYS.has(name)) return true;
  if (/^ctrl-[a-z]$/.test(name)) return true;
  const characters = Array.from(name);
  return characters.length === 1 && name !== ' ' && !hasControlCharacter(name);
}

/** Text shown on the screen: not blank, no control characters. */
function readText(o: ObjectReader, key: string, what: string): string {
  const value = o.string(key, what);
  if (value.trim() === '') o.fail(key, `must be ${what} (got ${describeValue(value)})`);
  if (hasControlCharacter(value)) o.fail(key, 'must not contain control characters');
  return value;
}

function readRegion(o: ObjectReader, key: string): string {
  const region = readText(o, key, 'an AWS region such as us-east-1');
  if (!REGION.test(region)) o.fail(key, `must be an AWS region such as us-east-1 (got ${describeValue(region)})`);
  return region;
}

const MAX_BANNER_LENGTH = 60;

function readProfile(o: ObjectReader): ProfileSettings {
  const settings: ProfileSettings = {};
  if (o.has('readOnly')) settings.readOnly = o.boolean('readOnly');
  if (o.has('banner')) {
    const banner = readText(o, 'banner', 'the text of the banner, e.g. "PRODUCTION"');
    if (Array.from(banner).length > MAX_BANNER_LENGTH)
      o.fail('banner', `must be at most ${MAX_BANNER_LENGTH} characters long`);
    settings.banner = banner;
  }
  if (o.has('region')) settings.region = readRegion(o, 'region');
  if (o.has('budget')) settings.budget = o.number('budget', { ...BUDGET_RANGE, unit: 'calls per second' });
  if (o.has('logsBudget')) settings.logsBudget = o.number('logsBudget', { ...BUDGET_RANGE, unit: 'calls per second' });
  if (o.has('metricsBudget'))
    settings.metricsBudget = o.number('metricsBudget', { ...BUDGET_RANGE, unit: 'calls per second' });
  o.end();
  return settings;
}

function readKeys(o: ObjectReader, commandIds: readonly string[] | undefined): Record<string, string[]> {
  const keys: Record<string, string[]> = {};
  for (const { key: command, value: bindings, path } of o.entries('keys', 'an object of command: [keys]')) {
    if (commandIds && !commandIds.includes(command))
      throw new FieldError(path, 'is not a command (the commands are listed in the help overlay, ?)');
    if (!Array.isArray(bindings) || bindings.length === 0)
      throw new FieldError(
        path,
        `must be a non-empty list of keys such as ["j", "down"] (got ${describeValue(bindings)})`,
      );
    const names: string[] = [];
    bindings.forEach((binding, index) => {
      const bindingPath = childPath(path, index);
      if (typeof binding !== 'string' || !isKeyName(binding))
        throw new FieldError(
          bindingPath,
          `must be a key name: one character, ctrl-<letter>, or one of ${[...NAMED_KEYS].join(', ')} (got ${describeValue(binding)})`,
        );
      if (names.includes(binding)) throw new FieldError(bindingPath, `repeats the key ${JSON.stringify(binding)}`);
      names.push(binding);
    });
    keys[command] = names;
  }
  return keys;
}

function readConfig(o: ObjectReader, commandIds: readonly string[] | undefined): EcsdeckConfig {
  const config: EcsdeckConfig = {};
  if (o.has('profile')) config.profile = readText(o, 'profile', 'a profile name');
  if (o.has('region')) config.region = readRegion(o, 'region');
  if (o.has('refresh')) config.refresh = o.number('refresh', { ...REFRESH_RANGE, unit: 'seconds' });
  if (o.has('budget')) config.budget = o.number('budget', { ...BUDGET_RANGE, unit: 'calls per second' });
  if (o.has('logsBudget')) config.logsBudget = o.number('logsBudget', { ...BUDGET_RANGE, unit: 'calls per second' });
  if (o.has('metricsBudget'))
    config.metricsBudget = o.number('metricsBudget', { ...BUDGET_RANGE, unit: 'calls per second' });
  if (o.has('theme')) config.theme = o.oneOf('theme', THEMES);
  if (o.has('keys')) config.keys = readKeys(o, commandIds);
  if (o.has('profiles')) {
    const profiles: Record<string, ProfileSettings> = {};
    for (const { key: name, value, path } of o.entries('profiles', 'an object of profile name: settings')) {
      if (name.trim() === '') o.fail('profiles', 'has an empty profile name');
      profiles[name] = readProfile(new ObjectReader(value, path));
    }
    config.profiles = profiles;
  }
  o.end();
  return config;
}

/** Validates the text of a config file. `file` names it in messages. Throws ConfigError. */
export function parseConfig(text: string, options: { file: string; commandIds?: readonly string[] }): EcsdeckConfig {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const detail = (error as Error).message.replace(/\.$/, '');
    throw new ConfigError(`${options.file}: is not valid JSON (${detail}).`);
  }
  if (!isPlainObject(document))
    throw new ConfigError(`${options.file}: must hold a JSON object of settings (got ${describeValue(document)}).`);
  try {
    return readConfig(new ObjectReader(document, ''), options.commandIds);
  } catch (error) {
    if (error instanceof FieldError) throw new ConfigError(`${options.file}: ${error.path} ${error.problem}.`);
    throw error;
  }
}

// ---------------------------------------------------------------- precedence

/** The config for a run on the built-in simulator (--demo), which is not an AWS profile: its defaults only. */
export function withoutAwsSettings(config: EcsdeckConfig): EcsdeckConfig {
  const { profile: _profile, region: _region, profiles: _profiles, ...defaults } = config;
  return defaults;
}

/** What the command line said; absent means "not given". */
export interface FlagSettings {
  profile?: string;
  region?: string;
  refresh?: number;
  budget?: number;
  logsBudget?: number;
  metricsBudget?: number;
  readOnly?: boolean;
  noColor?: boolean;
}

/** The settings a run uses, after flags, the profile's settings, the defaults and the built-in defaults. */
export interface EffectiveSettings {
  /** The profile to pass to the SDK; undefined lets the SDK choose (AWS_PROFILE, else default). */
  profile?: string;
  /** The profile whose settings applied (the one the SDK will use). */
  settingsProfile: string;
  region?: string;
  refresh?: number;
  budget: number;
  /** CloudWatch Logs calls per second. */
  logsBudget: number;
  /** CloudWatch calls per second; absent: the caller's default. */
  metricsBudget?: number;
  readOnly: boolean;
  noColor: boolean;
  banner?: string;
  keys: Record<string, string[]>;
}

/**
 * Flags win over the config; a profile's settings win over the config's defaults. The profile whose settings apply
 * is the one the SDK will use: --profile, else the config's `profile`, else AWS_PROFILE, else `default`.
 */
export function effectiveSettings(
  config: EcsdeckConfig,
  flags: FlagSettings,
  options: { env?: Readonly<Record<string, string | undefined>>; defaultBudget: number; defaultLogsBudget?: number },
): EffectiveSettings {
  const env = options.env ?? process.env;
  const profile = flags.profile ?? config.profile;
  const settingsProfile = profile ?? (env.AWS_PROFILE?.trim() || 'default');
  const perProfile: ProfileSettings = config.profiles?.[settingsProfile] ?? {};
  const region = flags.region ?? perProfile.region ?? config.region;
  const refresh = flags.refresh ?? config.refresh;
  const banner = perProfile.banner;
  const metricsBudget = flags.metricsBudget ?? perProfile.metricsBudget ?? config.metricsBudget;
  return {
    ...(profile !== undefined ? { profile } : {}),
    settingsProfile,
    ...(region !== undefined ? { region } : {}),
    ...(refresh !== undefined ? { refresh } : {}),
    budget: flags.budget ?? perProfile.budget ?? config.budget ?? options.defaultBudget,
    logsBudget:
      flags.logsBudget ??
      perProfile.logsBudget ??
      config.logsBudget ??
      options.defaultLogsBudget ??
      DEFAULT_LOGS_BUDGET_PER_SECOND,
    ...(metricsBudget !== undefined ? { metricsBudget } : {}),
    // There is no flag to turn read-only off: --read-only or the profile's readOnly, either one.
    readOnly: flags.readOnly === true || perProfile.readOnly === true,
    noColor: flags.noColor === true || config.theme === 'no-color',
    ...(banner !== undefined ? { banner } : {}),
    keys: config.keys ?? {},
  };
}
