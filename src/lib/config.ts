/**
 * The configuration file: `$XDG_CONFIG_HOME/ecsdeck/config.json` (else `~/.config/ecsdeck/config.json`, or the file
 * ECSDECK_CONFIG names). Defaults for every run plus settings per AWS profile. Validated by hand: the first problem
 * is one ConfigError sentence naming the file and the key, unknown keys are errors (a typo is never ignored), and a
 * missing file means the built-in defaults. Nothing is half-applied: the caller gets a whole config or an error.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, sep } from 'node:path';

/** The bounds of `refresh` (seconds) and `budget` (calls per second), shared with the command-line flags. */
export const REFRESH_RANGE = { min: 1, max: 3600 } as const;
export const BUDGET_RANGE = { min: 0.2, max: 1000 } as const;

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
}

export interface EcsdeckConfig {
  profile?: string;
  region?: string;
  refresh?: number;
  budget?: number;
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

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A key of a config object, written as a path: `profiles.prod.readOnly`, `profiles["my.team"].budget`. */
function keyPath(parent: string, key: string): string {
  const part = /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key) ? key : JSON.stringify(key);
  if (parent === '') return part;
  return part.startsWith('"') ? `${parent}[${part}]` : `${parent}.${part}`;
}

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

class Reader {
  readonly #file: string;
  constructor(file: string) {
    this.#file = file;
  }

  fail(path: string, problem: string): never {
    throw new ConfigError(`${this.#file}: ${path} ${problem}.`);
  }

  object(path: string, value: unknown, allowed: readonly string[]): Record<string, unknown> {
    if (!isPlainObject(value)) this.fail(path, `must be an object (got ${describeValue(value)})`);
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key))
        this.fail(keyPath(path, key), `is not a setting here (the settings are: ${allowed.join(', ')})`);
    }
    return value;
  }

  boolean(path: string, value: unknown): boolean {
    if (typeof value !== 'boolean') this.fail(path, 'must be true or false');
    return value;
  }

  text(path: string, value: unknown, what = 'a non-empty string'): string {
    if (typeof value !== 'string' || value.trim() === '')
      this.fail(path, `must be ${what} (got ${describeValue(value)})`);
    if (hasControlCharacter(value)) this.fail(path, 'must not contain control characters');
    return value;
  }

  number(path: string, value: unknown, range: { min: number; max: number }, unit: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < range.min || value > range.max)
      this.fail(path, `must be a number of ${unit} from ${range.min} to ${range.max} (got ${describeValue(value)})`);
    return value;
  }

  region(path: string, value: unknown): string {
    const text = this.text(path, value, 'an AWS region such as us-east-1');
    if (!REGION.test(text)) this.fail(path, `must be an AWS region such as us-east-1 (got ${describeValue(value)})`);
    return text;
  }
}

const TOP_LEVEL_KEYS = ['profile', 'region', 'refresh', 'budget', 'theme', 'keys', 'profiles'] as const;
const PROFILE_KEYS = ['readOnly', 'banner', 'region', 'budget'] as const;
const MAX_BANNER_LENGTH = 60;

function readProfile(reader: Reader, path: string, value: unknown): ProfileSettings {
  const raw = reader.object(path, value, PROFILE_KEYS);
  const settings: ProfileSettings = {};
  if (raw.readOnly !== undefined) settings.readOnly = reader.boolean(keyPath(path, 'readOnly'), raw.readOnly);
  if (raw.banner !== undefined) {
    const banner = reader.text(keyPath(path, 'banner'), raw.banner, 'the text of the banner, e.g. "PRODUCTION"');
    if (Array.from(banner).length > MAX_BANNER_LENGTH)
      reader.fail(keyPath(path, 'banner'), `must be at most ${MAX_BANNER_LENGTH} characters long`);
    settings.banner = banner;
  }
  if (raw.region !== undefined) settings.region = reader.region(keyPath(path, 'region'), raw.region);
  if (raw.budget !== undefined)
    settings.budget = reader.number(keyPath(path, 'budget'), raw.budget, BUDGET_RANGE, 'calls per second');
  return settings;
}

function readKeys(reader: Reader, value: unknown, commandIds: readonly string[] | undefined): Record<string, string[]> {
  if (!isPlainObject(value)) reader.fail('keys', `must be an object of command: [keys] (got ${describeValue(value)})`);
  const keys: Record<string, string[]> = {};
  for (const [command, bindings] of Object.entries(value)) {
    const path = keyPath('keys', command);
    if (commandIds && !commandIds.includes(command))
      reader.fail(path, 'is not a command (the commands are listed in the help overlay, ?)');
    if (!Array.isArray(bindings) || bindings.length === 0)
      reader.fail(path, `must be a non-empty list of keys such as ["j", "down"] (got ${describeValue(bindings)})`);
    const names: string[] = [];
    bindings.forEach((binding, index) => {
      if (typeof binding !== 'string' || !isKeyName(binding))
        reader.fail(
          `${path}[${index}]`,
          `must be a key name: one character, ctrl-<letter>, or one of ${[...NAMED_KEYS].join(', ')} (got ${describeValue(binding)})`,
        );
      if (names.includes(binding)) reader.fail(`${path}[${index}]`, `repeats the key ${JSON.stringify(binding)}`);
      names.push(binding);
    });
    keys[command] = names;
  }
  return keys;
}

/** Validates the text of a config file. `file` names it in messages. Throws ConfigError. */
export function parseConfig(text: string, options: { file: string; commandIds?: readonly string[] }): EcsdeckConfig {
  const reader: Reader = new Reader(options.file);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const detail = (error as Error).message.replace(/\.$/, '');
    throw new ConfigError(`${options.file}: is not valid JSON (${detail}).`);
  }
  if (!isPlainObject(document))
    throw new ConfigError(`${options.file}: must hold a JSON object of settings (got ${describeValue(document)}).`);
  const raw = reader.object('', document, TOP_LEVEL_KEYS);
  const config: EcsdeckConfig = {};
  if (raw.profile !== undefined) config.profile = reader.text('profile', raw.profile, 'a profile name');
  if (raw.region !== undefined) config.region = reader.region('region', raw.region);
  if (raw.refresh !== undefined) config.refresh = reader.number('refresh', raw.refresh, REFRESH_RANGE, 'seconds');
  if (raw.budget !== undefined) config.budget = reader.number('budget', raw.budget, BUDGET_RANGE, 'calls per second');
  if (raw.theme !== undefined) {
    if (!THEMES.includes(raw.theme as ThemeSetting))
      reader.fail(
        'theme',
        `must be one of ${THEMES.map((theme) => `"${theme}"`).join(', ')} (got ${describeValue(raw.theme)})`,
      );
    config.theme = raw.theme as ThemeSetting;
  }
  if (raw.keys !== undefined) config.keys = readKeys(reader, raw.keys, options.commandIds);
  if (raw.profiles !== undefined) {
    if (!isPlainObject(raw.profiles))
      reader.fail('profiles', `must be an object of profile name: settings (got ${describeValue(raw.profiles)})`);
    const profiles: Record<string, ProfileSettings> = {};
    for (const [name, settings] of Object.entries(raw.profiles)) {
      if (name.trim() === '') reader.fail('profiles', 'has an empty profile name');
      profiles[name] = readProfile(reader, keyPath('profiles', name), settings);
    }
    config.profiles = profiles;
  }
  return config;
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
  options: { env?: Readonly<Record<string, string | undefined>>; defaultBudget: number },
): EffectiveSettings {
  const env = options.env ?? process.env;
  const profile = flags.profile ?? config.profile;
  const settingsProfile = profile ?? (env.AWS_PROFILE?.trim() || 'default');
  const perProfile: ProfileSettings = config.profiles?.[settingsProfile] ?? {};
  const region = flags.region ?? perProfile.region ?? config.region;
  const refresh = flags.refresh ?? config.refresh;
  const banner = perProfile.banner;
  return {
    ...(profile !== undefined ? { profile } : {}),
    settingsProfile,
    ...(region !== undefined ? { region } : {}),
    ...(refresh !== undefined ? { refresh } : {}),
    budget: flags.budget ?? perProfile.budget ?? config.budget ?? options.defaultBudget,
    // There is no flag to turn read-only off: --read-only or the profile's readOnly, either one.
    readOnly: flags.readOnly === true || perProfile.readOnly === true,
    noColor: flags.noColor === true || config.theme === 'no-color',
    ...(banner !== undefined ? { banner } : {}),
    keys: config.keys ?? {},
  };
}
