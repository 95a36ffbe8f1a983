import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.ts';
import { failureOccurrences } from '../../src/recorder/fold.ts';
import { recorderFileName, simulatorRecorderFileName, stateDirectory } from '../../src/recorder/paths.ts';
import { FlightRecorder } from '../../src/recorder/recorder.ts';
import { stoppedTaskRecord } from '../../src/recorder/records.ts';
import { NOW, oomTask, tempDirectory } from './helpers.ts';

describe('stateDirectory', () => {
  const home = '/home/alice';

  it('prefers an explicit directory, then ECSDECK_STATE_DIR, then XDG_STATE_HOME, then ~/.local/state', () => {
    const env = { ECSDECK_STATE_DIR: '/srv/ecsdeck', XDG_STATE_HOME: '/xdg/state', HOME: home };
    expect(stateDirectory({ override: '/tmp/x', env })).toBe('/tmp/x');
    expect(stateDirectory({ env })).toBe('/srv/ecsdeck');
    expect(stateDirectory({ env: { XDG_STATE_HOME: '/xdg/state', HOME: home } })).toBe(join('/xdg/state', 'ecsdeck'));
    expect(stateDirectory({ env: { HOME: home } })).toBe(join(home, '.local', 'state', 'ecsdeck'));
  });

  it('ignores a relative XDG_STATE_HOME and blank values, as the XDG spec says', () => {
    expect(stateDirectory({ env: { XDG_STATE_HOME: 'state', HOME: home } })).toBe(join(home, '.local/state/ecsdeck'));
    expect(stateDirectory({ override: ' ', env: { ECSDECK_STATE_DIR: '', HOME: home } })).toBe(
      join(home, '.local/state/ecsdeck'),
    );
  });

  it('falls back to the given home directory when HOME is unset', () => {
    expect(stateDirectory({ env: {}, homeDirectory: '/root' })).toBe('/root/.local/state/ecsdeck');
  });
});

describe('recorderFileName', () => {
  it('is readable and safe for any target', () => {
    const name = recorderFileName({ account: '123456789012', region: 'us-east-1' });
    expect(name).toMatch(/^recorder-123456789012-us-east-1-[0-9a-f]{8}\.jsonl$/);
    const odd = recorderFileName({ endpoint: 'http://127.0.0.1:4566/../../etc', region: 'eu west 1' });
    expect(odd).toMatch(/^recorder-[a-z0-9._-]+\.jsonl$/);
    expect(odd).not.toContain('/');
    expect(odd).not.toContain('..');
    expect(recorderFileName({})).toMatch(/^recorder-default-[0-9a-f]{8}\.jsonl$/);
  });

  it('keeps targets apart even when their readable forms collide, and is stable', () => {
    const a = recorderFileName({ region: 'us-east-1', endpoint: 'http://localhost:4566/a/b' });
    const b = recorderFileName({ region: 'us-east-1', endpoint: 'http://localhost:4566/a-b' });
    expect(a).not.toBe(b);
    expect(recorderFileName({ region: 'us-east-1', endpoint: 'http://localhost:4566/a/b' })).toBe(a);
    expect(recorderFileName({ account: '1', region: 'us-east-1' })).not.toBe(
      recorderFileName({ account: '1', region: 'us-west-2' }),
    );
  });

  it('files one account under one name whichever profile reached it, and tells profiles apart without one', () => {
    expect(recorderFileName({ account: '1', region: 'r', profile: 'dev' })).toBe(
      recorderFileName({ account: '1', region: 'r', profile: 'admin' }),
    );
    expect(recorderFileName({ region: 'r', profile: 'dev' })).not.toBe(
      recorderFileName({ region: 'r', profile: 'admin' }),
    );
  });

  it('bounds the length of the name', () => {
    expect(recorderFileName({ endpoint: `https://${'x'.repeat(500)}.example.com` }).length).toBeLessThan(120);
  });
});

describe('simulatorRecorderFileName', () => {
  const run = { scenario: 'demo', seed: 1, startedAt: NOW };

  it('gives every demo run a history of its own: per scenario, seed and start', () => {
    const name = simulatorRecorderFileName(run);
    expect(name).toMatch(/^recorder-demo-demo-seed1-20250115t090000z-[0-9a-f]{8}\.jsonl$/);
    expect(simulatorRecorderFileName({ ...run })).toBe(name);
    expect(simulatorRecorderFileName({ ...run, startedAt: NOW + 1 })).not.toBe(name);
    expect(simulatorRecorderFileName({ ...run, seed: 2 })).not.toBe(name);
    expect(simulatorRecorderFileName({ ...run, scenario: 'large' })).not.toBe(name);
    expect(simulatorRecorderFileName({ scenario: '../../etc/passwd', startedAt: NOW })).toMatch(
      /^recorder-demo-[a-z0-9._-]+\.jsonl$/,
    );
  });

  it('never names the file of a real account, profile or endpoint, whatever they are called', () => {
    const simulated = simulatorRecorderFileName(run);
    const lookalikes = [
      { region: 'us-east-1', endpoint: 'simulator:demo' },
      { region: 'us-east-1', profile: 'demo', endpoint: 'demo' },
      { account: 'simulator', region: 'demo', endpoint: '1' },
      { profile: 'demo-demo-seed1-20250115t090000z' },
      { endpoint: 'demo-demo-seed1-20250115t090000z' },
    ];
    for (const target of lookalikes) expect(recorderFileName(target)).not.toBe(simulated);
  });

  it('a second demo run of the same scenario and seed reads nothing the first one recorded', async () => {
    const { directory, cleanup } = tempDirectory();
    const clock = new ManualClock(NOW);
    try {
      const first = new FlightRecorder({ clock, directory, fileName: simulatorRecorderFileName(run) });
      first.append(stoppedTaskRecord(oomTask('0123456789abcdef0123456789abcdef'), NOW));
      await first.close();
      const again = new FlightRecorder({ clock, directory, fileName: simulatorRecorderFileName(run) });
      expect(failureOccurrences((await again.load()).records)).toHaveLength(1);

      const second = new FlightRecorder({
        clock,
        directory,
        fileName: simulatorRecorderFileName({ ...run, startedAt: NOW + 60_000 }),
      });
      const loaded = await second.load();
      expect(loaded.records).toEqual([]);
      expect(failureOccurrences(loaded.records)).toEqual([]);
    } finally {
      cleanup();
    }
  });
});
