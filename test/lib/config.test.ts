import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMAND_LIST } from '../../src/keymap/keymap.ts';
import {
  ConfigError,
  configLocation,
  type EcsdeckConfig,
  effectiveSettings,
  isKeyName,
  loadConfig,
  parseConfig,
  withoutAwsSettings,
} from '../../src/lib/config.ts';

const FILE = '~/.config/ecsdeck/config.json';
const commandIds = COMMAND_LIST.map((command) => command.id);

function parse(document: unknown): EcsdeckConfig {
  return parseConfig(typeof document === 'string' ? document : JSON.stringify(document), { file: FILE, commandIds });
}

/** The one sentence a bad document gives. */
function problem(document: unknown): string {
  try {
    parse(document);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(document)} to be rejected`);
}

describe('parseConfig', () => {
  it('reads every setting', () => {
    const document = {
      profile: 'dev',
      region: 'eu-west-1',
      refresh: 2.5,
      budget: 20,
      theme: 'no-color',
      keys: { quit: ['x', 'ctrl-q'], moveDown: ['down'] },
      profiles: {
        prod: { readOnly: true, banner: 'PRODUCTION', region: 'us-gov-west-1', budget: 0.5 },
        'team.b': { readOnly: false },
      },
    };
    expect(parse(document)).toEqual(document);
    expect(parse({})).toEqual({});
  });

  it('names the file and the key of a bad type, in one sentence', () => {
    expect(problem({ profiles: { prod: { readOnly: 'yes' } } })).toBe(
      `${FILE}: profiles.prod.readOnly must be true or false (got "yes").`,
    );
    expect(problem({ profile: '' })).toBe(`${FILE}: profile must be a profile name (got "").`);
    expect(problem({ profile: 7 })).toBe(`${FILE}: profile must be a profile name (got 7).`);
    expect(problem({ region: 'Europe' })).toBe(
      `${FILE}: region must be an AWS region such as us-east-1 (got "Europe").`,
    );
    expect(problem({ refresh: 0 })).toBe(`${FILE}: refresh must be a number of seconds from 1 to 3600 (got 0).`);
    expect(problem({ refresh: '5' })).toBe(`${FILE}: refresh must be a number of seconds from 1 to 3600 (got "5").`);
    expect(problem({ budget: 5000 })).toBe(
      `${FILE}: budget must be a number of calls per second from 0.2 to 1000 (got 5000).`,
    );
    expect(problem({ theme: 'dark' })).toBe(`${FILE}: theme must be one of auto, no-color (got "dark").`);
    expect(problem({ profiles: { prod: { budget: null } } })).toBe(
      `${FILE}: profiles.prod.budget must be a number of calls per second from 0.2 to 1000 (got null).`,
    );
    expect(problem({ profiles: { prod: { region: 'mars-1' } } })).toMatch(
      /: profiles\.prod\.region must be an AWS region such as us-east-1 \(got "mars-1"\)\.$/,
    );
    expect(problem({ profiles: { prod: { banner: '' } } })).toBe(
      `${FILE}: profiles.prod.banner must be the text of the banner, e.g. "PRODUCTION" (got "").`,
    );
    expect(problem({ profiles: { prod: { banner: 'PROD\u001b[31m' } } })).toBe(
      `${FILE}: profiles.prod.banner must not contain control characters.`,
    );
    expect(problem({ profiles: { prod: { banner: 'x'.repeat(61) } } })).toBe(
      `${FILE}: profiles.prod.banner must be at most 60 characters long.`,
    );
    expect(problem({ profiles: { prod: true } })).toBe(`${FILE}: profiles.prod must be an object (got true).`);
    expect(problem({ profiles: [] })).toBe(
      `${FILE}: profiles must be an object of profile name: settings (got an array).`,
    );
    expect(problem({ profiles: { 'my team': { readOnly: 1 } } })).toBe(
      `${FILE}: profiles["my team"].readOnly must be true or false (got 1).`,
    );
  });

  it('rejects unknown keys, at the top and inside a profile', () => {
    expect(problem({ regoin: 'us-east-1' })).toBe(
      `${FILE}: regoin is not a known field (known here: profile, region, refresh, budget, logsBudget, metricsBudget, theme, keys, profiles).`,
    );
    expect(problem({ profiles: { prod: { readonly: true } } })).toBe(
      `${FILE}: profiles.prod.readonly is not a known field (known here: readOnly, banner, region, budget, logsBudget, metricsBudget).`,
    );
  });

  it('checks key overrides against the commands and the key names', () => {
    expect(problem({ keys: { quitt: ['x'] } })).toBe(
      `${FILE}: keys.quitt is not a command (the commands are listed in the help overlay, ?).`,
    );
    expect(problem({ keys: { quit: [] } })).toMatch(/: keys\.quit must be a non-empty list of keys such as/);
    expect(problem({ keys: { quit: 'x' } })).toMatch(/: keys\.quit must be a non-empty list of keys .*\(got "x"\)\.$/);
    expect(problem({ keys: { quit: ['x', 'ctrl-'] } })).toMatch(
      /: keys\.quit\[1\] must be a key name: one character, ctrl-<letter>, or one of enter, esc, .* \(got "ctrl-"\)\.$/,
    );
    expect(problem({ keys: { quit: ['xy'] } })).toMatch(/: keys\.quit\[0\] must be a key name/);
    expect(problem({ keys: { quit: ['x', 'x'] } })).toBe(`${FILE}: keys.quit[1] repeats the key "x".`);
    expect(problem({ keys: ['quit'] })).toBe(`${FILE}: keys must be an object of command: [keys] (got an array).`);
    // Without a list of commands (no keymap at hand), any id is taken.
    expect(parseConfig('{"keys": {"anything": ["z"]}}', { file: FILE })).toEqual({ keys: { anything: ['z'] } });
  });

  it('knows the key names the keymap uses', () => {
    for (const command of COMMAND_LIST) for (const key of command.keys) expect(isKeyName(key), key).toBe(true);
    for (const bad of ['', ' ', 'ctrl-1', 'shift-x', 'F1', '\u001b', 'ab']) expect(isKeyName(bad), bad).toBe(false);
    expect(isKeyName('é')).toBe(true);
  });

  it('bad JSON and a non-object document are one sentence too', () => {
    expect(problem('{"region": "us-east-1",}')).toMatch(
      /^~\/\.config\/ecsdeck\/config\.json: is not valid JSON \(.+\)\.$/,
    );
    expect(problem('')).toMatch(/: is not valid JSON \(/);
    expect(problem('[1, 2]')).toBe(`${FILE}: must hold a JSON object of settings (got an array).`);
    expect(problem('null')).toBe(`${FILE}: must hold a JSON object of settings (got null).`);
    for (const bad of ['{', '{"budget": 5000}', '{"x": 1}']) expect(problem(bad).split('. ').length).toBe(1);
  });
});

describe('configLocation and loadConfig', () => {
  const directories: string[] = [];
  afterEach(() => {
    for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
  });
  function tempHome(): string {
    const directory = mkdtempSync(join(tmpdir(), 'ecsdeck-config-'));
    directories.push(directory);
    return directory;
  }

  it('looks in XDG_CONFIG_HOME, else ~/.config, unless ECSDECK_CONFIG names a file', () => {
    expect(configLocation({ env: { HOME: '/home/ana' } })).toEqual({
      path: '/home/ana/.config/ecsdeck/config.json',
      display: '~/.config/ecsdeck/config.json',
      explicit: false,
    });
    expect(configLocation({ env: { HOME: '/home/ana', XDG_CONFIG_HOME: '/xdg' } }).path).toBe(
      '/xdg/ecsdeck/config.json',
    );
    // A relative XDG_CONFIG_HOME is invalid per the spec and ignored.
    expect(configLocation({ env: { HOME: '/home/ana', XDG_CONFIG_HOME: 'rel' } }).path).toBe(
      '/home/ana/.config/ecsdeck/config.json',
    );
    expect(configLocation({ env: { HOME: '/home/ana', ECSDECK_CONFIG: '/etc/ecsdeck.json' } })).toEqual({
      path: '/etc/ecsdeck.json',
      display: '/etc/ecsdeck.json',
      explicit: true,
    });
  });

  it('a missing file means the defaults; a missing ECSDECK_CONFIG file is an error', () => {
    const home = tempHome();
    expect(loadConfig({ env: { HOME: home }, commandIds })).toMatchObject({ config: {}, found: false });
    expect(() => loadConfig({ env: { HOME: home, ECSDECK_CONFIG: join(home, 'nope.json') } })).toThrow(
      new ConfigError('~/nope.json: does not exist (ECSDECK_CONFIG names it).'),
    );
  });

  it('reads the file and reports its problems with the path under ~', () => {
    const home = tempHome();
    mkdirSync(join(home, '.config', 'ecsdeck'), { recursive: true });
    const file = join(home, '.config', 'ecsdeck', 'config.json');
    writeFileSync(file, JSON.stringify({ budget: 4, profiles: { prod: { readOnly: true } } }));
    expect(loadConfig({ env: { HOME: home }, commandIds })).toMatchObject({
      config: { budget: 4, profiles: { prod: { readOnly: true } } },
      found: true,
      location: { path: file },
    });
    writeFileSync(file, JSON.stringify({ profiles: { prod: { readOnly: 'true' } } }));
    expect(() => loadConfig({ env: { HOME: home }, commandIds })).toThrow(
      new ConfigError('~/.config/ecsdeck/config.json: profiles.prod.readOnly must be true or false (got "true").'),
    );
    rmSync(file);
    mkdirSync(file);
    expect(() => loadConfig({ env: { HOME: home } })).toThrow(
      new ConfigError('~/.config/ecsdeck/config.json: is a directory, not a file.'),
    );
  });
});

describe('effectiveSettings', () => {
  const config: EcsdeckConfig = {
    profile: 'dev',
    region: 'eu-west-1',
    refresh: 10,
    budget: 8,
    theme: 'auto',
    keys: { quit: ['x'] },
    profiles: {
      prod: { readOnly: true, banner: 'PRODUCTION', region: 'us-east-2', budget: 2 },
      dev: { budget: 30 },
    },
  };
  const options = { env: {}, defaultBudget: 10 };

  it('uses the built-in defaults without a config', () => {
    expect(effectiveSettings({}, {}, options)).toEqual({
      settingsProfile: 'default',
      budget: 10,
      logsBudget: 2,
      readOnly: false,
      noColor: false,
      keys: {},
    });
  });

  it("applies the config's profile, then that profile's settings over the defaults", () => {
    expect(effectiveSettings(config, {}, options)).toEqual({
      profile: 'dev',
      settingsProfile: 'dev',
      region: 'eu-west-1',
      refresh: 10,
      budget: 30,
      logsBudget: 2,
      readOnly: false,
      noColor: false,
      keys: { quit: ['x'] },
    });
  });

  it('reads metricsBudget from the defaults, the profile and the flag, in that order of precedence', () => {
    const withMetrics: EcsdeckConfig = { metricsBudget: 2, profiles: { prod: { metricsBudget: 0.5 } } };
    expect(effectiveSettings(withMetrics, {}, options).metricsBudget).toBe(2);
    expect(effectiveSettings(withMetrics, { profile: 'prod' }, options).metricsBudget).toBe(0.5);
    expect(effectiveSettings(withMetrics, { profile: 'prod', metricsBudget: 4 }, options).metricsBudget).toBe(4);
    expect(effectiveSettings({}, {}, options).metricsBudget).toBeUndefined();
    expect(parseConfig(JSON.stringify({ metricsBudget: 3 }), { file: 'c.json' })).toEqual({ metricsBudget: 3 });
    expect(() => parseConfig(JSON.stringify({ metricsBudget: 0 }), { file: 'c.json' })).toThrow(
      'c.json: metricsBudget must be a number of calls per second from 0.2 to 1000 (got 0).',
    );
  });

  it('flags win over the profile and the defaults', () => {
    const prod = effectiveSettings(config, { profile: 'prod' }, options);
    expect(prod).toMatchObject({
      profile: 'prod',
      region: 'us-east-2',
      budget: 2,
      readOnly: true,
      banner: 'PRODUCTION',
    });
    expect(
      effectiveSettings(config, { profile: 'prod', region: 'ap-south-1', budget: 50, refresh: 1 }, options),
    ).toMatchObject({ region: 'ap-south-1', budget: 50, refresh: 1, readOnly: true });
    // The logs budget: the flag, else the profile's, else the file's default, else 2 calls a second.
    const withLogs: EcsdeckConfig = { logsBudget: 3, profiles: { prod: { logsBudget: 0.5 } } };
    expect(effectiveSettings(withLogs, {}, options).logsBudget).toBe(3);
    expect(effectiveSettings(withLogs, { profile: 'prod' }, options).logsBudget).toBe(0.5);
    expect(effectiveSettings(withLogs, { profile: 'prod', logsBudget: 4 }, options).logsBudget).toBe(4);
    expect(problem({ logsBudget: 0 })).toBe(
      `${FILE}: logsBudget must be a number of calls per second from 0.2 to 1000 (got 0).`,
    );
    expect(effectiveSettings(config, { readOnly: true, noColor: true }, options)).toMatchObject({
      readOnly: true,
      noColor: true,
    });
    expect(effectiveSettings({ theme: 'no-color' }, {}, options).noColor).toBe(true);
  });

  it('the demo simulator takes the defaults only, not the AWS profile, region or per-profile settings', () => {
    expect(withoutAwsSettings(config)).toEqual({ refresh: 10, budget: 8, theme: 'auto', keys: { quit: ['x'] } });
    expect(effectiveSettings(withoutAwsSettings(config), {}, options)).toMatchObject({ budget: 8, readOnly: false });
  });

  it("applies AWS_PROFILE's settings when neither the flag nor the config names a profile", () => {
    const withoutDefault = { ...config, profile: undefined };
    const settings = effectiveSettings(withoutDefault, {}, { env: { AWS_PROFILE: 'prod' }, defaultBudget: 10 });
    expect(settings.profile).toBeUndefined();
    expect(settings).toMatchObject({ settingsProfile: 'prod', readOnly: true, banner: 'PRODUCTION', budget: 2 });
    // The config's own profile is the one passed to the SDK, so its settings win over AWS_PROFILE's.
    expect(effectiveSettings(config, {}, { env: { AWS_PROFILE: 'prod' }, defaultBudget: 10 }).readOnly).toBe(false);
  });
});
