import { describe, expect, it } from 'vitest';
import { OSC52_MAX_BYTES, osc52Sequence } from '../../src/lib/osc52.ts';

const ARN = 'arn:aws:ecs:us-east-1:123456789012:task/prod/abc';

describe('OSC 52 clipboard', () => {
  it('sends the text base64-encoded in one OSC 52 sequence', () => {
    const sequence = osc52Sequence(ARN);
    expect(sequence).toBe(`\u001b]52;c;${Buffer.from(ARN).toString('base64')}\u0007`);
  });

  it('wraps the sequence for tmux and screen so it reaches the outer terminal', () => {
    const tmux = osc52Sequence(ARN, { env: { TMUX: '/tmp/tmux-1/default,1,0' } });
    expect(tmux?.startsWith('\u001bPtmux;\u001b\u001b]52;c;')).toBe(true);
    expect(tmux?.endsWith('\u001b\\')).toBe(true);
    const screen = osc52Sequence(ARN, { env: { TERM: 'screen-256color' } });
    expect(screen?.startsWith('\u001bP\u001b]52;c;')).toBe(true);
  });

  it('refuses text too long for terminals to accept', () => {
    expect(osc52Sequence('x'.repeat(OSC52_MAX_BYTES))).toBeUndefined();
  });
});
