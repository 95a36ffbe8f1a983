import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recorderFileName, stateDirectory } from '../../src/recorder/paths.ts';

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
