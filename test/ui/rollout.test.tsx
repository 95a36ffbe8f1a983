/**
 * What changed in a rollout and how to go back (issue 12): `D` diffs the api's revisions of the demo, `B` rolls a
 * service back with that diff in the confirmation, against the demo simulator through the real SDK on virtual time.
 * The simulator's request log counts the calls.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { taskDefinitionLabel } from '../../src/domain/arn.ts';
import { MUTATING_OPERATIONS } from '../actions/helpers.ts';
import { startUi, type UiHarness, waitUntil } from './appHarness.tsx';

let app: UiHarness | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

type StartOptions = Parameters<typeof startUi>[0];

/** The UI with a real runner on prod's Services pane, filtered down to one service. */
async function servicesOf(service: string, options: StartOptions = {}): Promise<UiHarness> {
  const started = await startUi({ withActions: true, rows: 40, columns: 120, ...options });
  app = started;
  await started.waitForFrame((f) => f.includes('prod') && f.includes('staging'));
  await started.press(':cluster prod\r');
  const arn = [...started.data.sim.model.state.clusters.values()].find((c) => c.name === 'prod')?.arn;
  await started.runUntil(() => started.data.store.getState().meta.get(`services:${arn}`)?.lastSuccessAt !== undefined, {
    what: 'the first services of prod',
  });
  await started.press('3');
  await started.press(`/${service}\r`);
  await waitUntil(() => started.ui.getState().modal === undefined);
  return started;
}

const lastSeq = (ui: UiHarness) => ui.data.sim.server.requestLog.lastSeq;

/** Calls the simulator answered since `sinceSeq`, by operation. */
function calls(ui: UiHarness, sinceSeq: number, only?: (operation: string) => boolean): Record<string, number> {
  const out: Record<string, number> = {};
  for (const entry of ui.data.sim.server.requestLog.list({ sinceSeq })) {
    if (only && !only(entry.operation)) continue;
    out[entry.operation] = (out[entry.operation] ?? 0) + 1;
  }
  return out;
}

const mutating = (ui: UiHarness, sinceSeq: number) => calls(ui, sinceSeq, (op) => MUTATING_OPERATIONS.has(op));
const describes = (ui: UiHarness, sinceSeq: number) =>
  calls(ui, sinceSeq, (op) => op === 'DescribeTaskDefinition').DescribeTaskDefinition ?? 0;

function simService(ui: UiHarness, name: string) {
  const service = [...ui.data.sim.model.state.services.values()].find((s) => s.name === name);
  if (!service) throw new Error(`no service ${name}`);
  return service;
}

describe('D: the task definition diff', () => {
  it("names the api rollout's image tag change, masks the rotated token until m, folds the rest until u", async () => {
    const ui = await servicesOf('api');
    const seq = lastSeq(ui);
    await ui.press('D');
    const frame = await ui.waitForFrame((f) => f.includes('image tag'), { what: 'the diff of api:1 and api:2' });
    expect(frame).toContain('Task definition api:1 → api:2');
    expect(frame).toMatch(/~ api image tag\s+1\.41\.0 → 1\.42\.0/);
    expect(frame).toMatch(/~ api env LOG_LEVEL\s+info → debug/);
    expect(frame).toMatch(/\+ api env FEATURE_BATCH_WRITES\s+added/);
    // The token changed: its values are masked, and neither value is on screen.
    expect(frame).toMatch(/~ api env UPSTREAM_API_TOKEN\s+•••••• → ••••••\s+\(masked\)/);
    expect(frame).not.toContain('demo-token');
    expect(frame).toMatch(/\d+ unchanged fields folded/);
    expect(frame).not.toContain('env REGION');
    // The footer names the diff's keys, from the keymap.
    expect(frame).toMatch(/m unmask.*u unfold.*c choose/);

    await ui.press('m');
    const unmasked = ui.frame();
    expect(unmasked).toContain('demo-token-2024-q4 → demo-token-2025-q1');
    await ui.press('m');
    expect(ui.frame()).not.toContain('demo-token');
    await ui.press('u');
    const unfolded = ui.frame();
    expect(unfolded).toMatch(/Unchanged \(\d+\)/);
    expect(unfolded).toMatch(/api image repository\s+123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/api/);
    // An unchanged variable is named without its value (values are shown only for the keys that changed).
    expect(unfolded).toMatch(/api env REGION\s*$/m);
    await ui.press('u');
    expect(ui.frame()).toMatch(/\d+ unchanged fields folded/);

    // Each revision was described once; closing and opening the diff again reads nothing more.
    expect(describes(ui, seq)).toBe(2);
    const again = lastSeq(ui);
    await ui.press('\u001b');
    await ui.press(':diff\r');
    await ui.waitForFrame((f) => f.includes('image tag'));
    expect(describes(ui, again)).toBe(0);
    expect(mutating(ui, seq)).toEqual({});
  }, 60_000);

  it('c compares any two ACTIVE revisions chosen from ListTaskDefinitions; a bad choice keeps the prompt open', async () => {
    const ui = await servicesOf('api');
    await ui.press('D');
    await ui.waitForFrame((f) => f.includes('image tag'));
    const seq = lastSeq(ui);
    await ui.press('c');
    await ui.runUntil(() => ui.ui.getState().modal === 'prompt', { what: 'the chooser' });
    expect(calls(ui, seq).ListTaskDefinitions).toBe(1);
    expect(ui.frame()).toContain('Compare two revisions of api (ACTIVE: 2, 1), older then newer:');
    await ui.press('1 7\r');
    expect(ui.frame()).toContain('7 is not an ACTIVE revision of api.');
    await ui.press('\u007f\u007f\u007f');
    await ui.press('2 1\r');
    const frame = await ui.waitForFrame((f) => f.includes('Task definition api:2 → api:1'));
    expect(frame).toMatch(/image tag\s+1\.42\.0 → 1\.41\.0/);
    expect(describes(ui, seq)).toBe(0);

    // From the diff, D goes back to the service's own pair in place, and B acts on the service of the diff.
    const depth = ui.ui.getState().stack.length;
    await ui.press('D');
    await ui.waitForFrame((f) => f.includes('Task definition api:1 → api:2'));
    expect(ui.ui.getState().stack.length).toBe(depth);
    await ui.press('B');
    await ui.waitForFrame((f) => f.includes('taskDefinition api:2 -> api:1 (rollback'));
    await ui.press('n');
    expect(mutating(ui, seq)).toEqual({});
  }, 60_000);
});

describe('untrusted answers and errors', () => {
  it('a hostile DescribeTaskDefinition answer is drawn sanitised; an AccessDenied list is one sentence', async () => {
    const ui = await servicesOf('api');
    ui.data.sim.server.setFaults({
      bodies: [
        {
          operation: 'DescribeTaskDefinition',
          set: {
            'taskDefinition.cpu': { nested: true },
            'taskDefinition.containerDefinitions.0.environment': [
              { name: 'SESSION_KEY\u0007', value: 'a\u009b31m\u202e' },
              { name: 42, value: 'no name' },
              'junk',
            ],
            'taskDefinition.containerDefinitions.0.portMappings': 'all of them',
          },
        },
      ],
    });
    await ui.press('D');
    const frame = await ui.waitForFrame((f) => f.includes('image tag'));
    expect(frame).toContain('Task definition api:1 → api:2');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting no control reaches the screen
    expect(frame).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    await ui.press('u');
    expect(ui.frame()).toMatch(/api env SESSION_KEY\s*$/m);

    await ui.press('\u001b');
    await waitUntil(() => ui.ui.getState().stack.length === 0);
    ui.data.sim.server.setFaults({
      errors: [{ operation: 'ListTaskDefinitions', type: 'AccessDeniedException', message: 'not allowed' }],
    });
    // esc again clears the "api" filter.
    await ui.press('\u001b');
    await waitUntil(() => ui.ui.getState().lists.services.filter === '');
    await ui.press('/web\r');
    await waitUntil(() => ui.ui.getState().modal === undefined);
    await ui.press('D');
    const denied = await ui.waitForFrame((f) => f.includes('Could not list the revisions of web'));
    expect(denied.split('\n').filter((line) => line.includes('Could not list')).length).toBe(1);
    expect(ui.ui.getState().stack).toEqual([]);
    expect(denied).toContain(
      'Could not list the revisions of web: Access denied to ecs:ListTaskDefinitions: your IAM policy does not allow it.',
    );
    // The rest of the app goes on: B asks again, is refused the same way, and opens nothing.
    const listed = () => calls(ui, 0).ListTaskDefinitions ?? 0;
    const before = listed();
    await ui.press('B');
    await ui.runUntil(() => listed() > before && ui.frame().includes('Could not list the revisions of web'), {
      what: 'the rollback to ask ListTaskDefinitions and be refused',
    });
    expect(ui.ui.getState().dialog).toBeUndefined();
    expect(mutating(ui, 0)).toEqual({});
  }, 60_000);
});

describe('B: rollback', () => {
  it('confirms with the diff, makes one UpdateService, journals it, and follows the rollout the simulator carries out', async () => {
    const ui = await servicesOf('api');
    const api = simService(ui, 'api');
    const seq = lastSeq(ui);
    // A doubled key is one intent: one preparation, one confirmation.
    await ui.press('BB');
    const dialog = await ui.waitForFrame((f) => f.includes('(rollback'), { what: 'the rollback confirmation' });
    expect(dialog).toContain('UpdateService api in cluster prod: taskDefinition api:2 -> api:1 (rollback, 6 tasks');
    expect(dialog).toContain('What changes back (api:2 → api:1):');
    expect(dialog).toMatch(/image tag\s+1\.42\.0 → 1\.41\.0/);
    expect(dialog).not.toContain('demo-token');
    expect(mutating(ui, seq)).toEqual({});
    expect(describes(ui, seq)).toBe(2);

    await ui.press('y');
    // A second confirm finds no dialog (here it is the copy key): still one call.
    await ui.press('y');
    await ui.waitForFrame((f) => /new deployment \S+ of api:1 started/.test(f) || f.includes('Rollback of api'));
    expect(mutating(ui, seq)).toEqual({ UpdateService: 1 });
    const primary = api.deployments.find((d) => d.status === 'PRIMARY');
    expect(taskDefinitionLabel(primary?.taskDefinitionArn ?? '')).toBe('api:1');
    const journal = ui.journal.lines.map((line) => [line.phase, line.operation, line.parameters?.taskDefinition]);
    expect(journal).toEqual([
      ['before', 'UpdateService', primary?.taskDefinitionArn],
      ['after', 'UpdateService', primary?.taskDefinitionArn],
    ]);
    expect(ui.journal.lines[1]?.outcome).toBe('ok');

    // Followed live from the polls until the simulator completes it.
    await ui.waitForFrame((f) => f.includes('Rollback of api to api:1: '), { what: 'the rollback in progress' });
    const done = await ui.waitForFrame((f) => f.includes('Rollback of api to api:1 completed'), {
      what: 'the rollback completed',
      deadlineMs: 25_000,
    });
    expect(done).toMatch(/Rollback of api to api:1 completed: 6 of 6 running\./);
    expect(mutating(ui, seq)).toEqual({ UpdateService: 1 });
  }, 60_000);

  it('ctrl-c in the rollback confirmation quits with zero calls; n (after :rollback) cancels with zero calls', async () => {
    const ui = await servicesOf('api');
    const seq = lastSeq(ui);
    await ui.press(':rollback\r');
    await ui.waitForFrame((f) => f.includes('(rollback'));
    await ui.press('n');
    await waitUntil(() => ui.ui.getState().dialog === undefined);
    await ui.press('B');
    await ui.waitForFrame((f) => f.includes('(rollback'));
    await ui.press('\u0003');
    expect(ui.exits).toEqual([{ kind: 'quit' }]);
    expect(ui.ui.getState().dialog).toBeUndefined();
    const later = ui.data.scheduler.now() + 10_000;
    await ui.runUntil(() => ui.data.scheduler.now() >= later, { what: 'virtual time to pass' });
    expect(mutating(ui, seq)).toEqual({});
    expect(ui.journal.lines).toEqual([]);
  }, 60_000);

  it('a service without an earlier revision: one sentence, no dialog, no call', async () => {
    const ui = await servicesOf('web');
    const seq = lastSeq(ui);
    await ui.press('B');
    const frame = await ui.waitForFrame((f) => f.includes('nothing before it'));
    expect(frame).toContain(
      'web runs web:1 and the family has no earlier ACTIVE revision: there is nothing before it.',
    );
    expect(ui.ui.getState().dialog).toBeUndefined();
    expect(calls(ui, seq, (op) => op === 'ListTaskDefinitions' || MUTATING_OPERATIONS.has(op))).toEqual({
      ListTaskDefinitions: 1,
    });
  }, 60_000);

  it('is refused under --read-only in one sentence, before any read; D still reads', async () => {
    const ui = await servicesOf('api', { readOnly: true });
    const seq = lastSeq(ui);
    await ui.press('B');
    expect(ui.frame()).toContain('Read-only mode (--read-only): Rollback is disabled, nothing was called.');
    expect(ui.ui.getState().dialog).toBeUndefined();
    await ui.press('y\r');
    const later = ui.data.scheduler.now() + 5_000;
    await ui.runUntil(() => ui.data.scheduler.now() >= later, { what: 'virtual time to pass' });
    expect(mutating(ui, seq)).toEqual({});
    expect(describes(ui, seq)).toBe(0);
    await ui.press('\u001b');
    await waitUntil(() => ui.ui.getState().stack.length === 0);
    await ui.press('D');
    await ui.waitForFrame((f) => f.includes('image tag'));
    expect(mutating(ui, seq)).toEqual({});
  }, 60_000);
});

describe("r: a rerun's revision against the family's latest", () => {
  it('says the revision is the latest, and once a newer one is registered names what it changes', async () => {
    const ui = await servicesOf('nightly', { rows: 50 });
    await ui.press('4');
    await ui.press('/nightly\r');
    await waitUntil(() => ui.ui.getState().modal === undefined);
    const seq = lastSeq(ui);
    await ui.press('r');
    const first = await ui.waitForFrame((f) => f.includes('RunTask parameters:'));
    expect(first).toContain("nightly-report:1 is the family's latest ACTIVE revision.");
    await ui.press('n');
    await waitUntil(() => ui.ui.getState().dialog === undefined);

    const current = ui.data.sim.model.resolveTaskDefinition('nightly-report:1');
    if (!current) throw new Error('no nightly-report:1');
    ui.data.sim.model.registerTaskDefinition({
      family: 'nightly-report',
      containerDefinitions: current.containerDefinitions.map((container) => ({
        ...container,
        image: container.image.replace('2024.11.20', '2024.12.01'),
        command: [...(container.command ?? []), '--dry-run'],
      })),
    });
    await ui.press('r');
    const dialog = await ui.waitForFrame((f) => f.includes('nightly-report:2, differs'));
    expect(dialog).toContain("The rerun keeps nightly-report:1; the family's latest, nightly-report:2, differs:");
    expect(dialog).toMatch(/report image tag\s+2024\.11\.20 → 2024\.12\.01/);
    expect(dialog).toMatch(/report command\s+python -m reports\.nightly --all-regions → python -m reports\.nightly/);
    // The rerun itself still runs the task's own revision.
    expect(
      ui.ui
        .getState()
        .dialog?.lines.flat()
        .map((span) => span.text)
        .join(''),
    ).toContain('taskDefinition: arn:aws:ecs:us-east-1:123456789012:task-definition/nightly-report:1');
    await ui.press('n');
    // One page of one each time, and each revision described once.
    expect(calls(ui, seq, (op) => op === 'ListTaskDefinitions' || op === 'DescribeTaskDefinition')).toEqual({
      ListTaskDefinitions: 2,
      DescribeTaskDefinition: 2,
    });
    expect(mutating(ui, seq)).toEqual({});
  }, 60_000);
});

describe('README', () => {
  it('lists D and B with the diff keys, and the IAM action the diff needs', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    expect(readme).toMatch(/^\| `D` \| task definition diff .*`m` .*`u` .*`c` /m);
    expect(readme).toMatch(/^\| `B` \| roll the selected service back/m);
    expect(readme).toContain('"ecs:ListTaskDefinitions"');
    expect(readme).toContain('"ecs:UpdateService"');
  });
});
