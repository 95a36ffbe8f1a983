/**
 * The `:` command line: one table from the first word (any case) to what it does with the rest of the line.
 * `:clusters`, `:cluster NAME`, `:region NAME`, `:profile NAME`, `:scale N`, `:redeploy`, `:q`.
 */
import { shortName } from '../../domain/arn.ts';
import type { PaneId } from '../../keymap/keymap.ts';
import { safe } from '../panes/cells.ts';
import type { CommandContext } from './commands.ts';
import { flash } from './uiStore.ts';

/** What a word does; `argument` is the rest of the line, `word` the word as typed. */
type LineCommand = (app: CommandContext, argument: string, word: string) => void;

const showPane =
  (pane: PaneId): LineCommand =>
  ({ navigation }) =>
    navigation.showPane(pane);

const watchCluster: LineCommand = ({ ecs, ui, navigation }, argument) => {
  const wanted = argument.toLowerCase();
  const cluster = [...ecs.getState().clusters.values()].find(
    (c) => c.clusterArn.toLowerCase() === wanted || (c.clusterName ?? shortName(c.clusterArn)).toLowerCase() === wanted,
  );
  if (!cluster) {
    flash(ui, `No cluster named ${safe(argument)}.`, 'error');
    return;
  }
  navigation.focusCluster(cluster.clusterArn);
  ui.setState({ pane: 'services', stack: [] });
  flash(ui, `Watching cluster ${safe(cluster.clusterName ?? argument)}.`, 'ok');
};

/** The app ends and the CLI reopens it on another region or profile. */
const switchTo =
  (what: 'region' | 'profile'): LineCommand =>
  ({ ui, exit }, argument, word) => {
    if (argument === '') {
      flash(ui, `Usage: :${word} NAME`, 'warn');
      return;
    }
    exit(what === 'region' ? { kind: 'switch', region: argument } : { kind: 'switch', profile: argument });
  };

const quit: LineCommand = ({ exit }) => exit({ kind: 'quit' });

/** Every word the command line knows, in lower case; aliases share a handler. */
const LINE_COMMANDS: ReadonlyMap<string, LineCommand> = new Map<string, LineCommand>([
  ['clusters', showPane('clusters')],
  ['cl', showPane('clusters')],
  ['instances', showPane('instances')],
  ['inst', showPane('instances')],
  ['services', showPane('services')],
  ['svc', showPane('services')],
  ['tasks', showPane('tasks')],
  ['failures', showPane('failures')],
  ['fail', showPane('failures')],
  ['cluster', watchCluster],
  ['region', switchTo('region')],
  ['profile', switchTo('profile')],
  ['scale', ({ flows }, argument) => (argument === '' ? flows.scale() : flows.scale(argument))],
  ['redeploy', ({ flows }) => flows.redeploy()],
  ['rollback', ({ flows }) => flows.rollback()],
  ['diff', ({ definitions }) => definitions.showDiff()],
  ['q', quit],
  ['quit', quit],
]);

/** Runs one command line (without its `:`); an unknown word is one sentence listing the known ones. */
export function runCommandLine(app: CommandContext, line: string): void {
  const [word = '', ...rest] = line.trim().split(/\s+/);
  if (word === '') return;
  const command = LINE_COMMANDS.get(word.toLowerCase());
  if (command) {
    command(app, rest.join(' '), word);
    return;
  }
  flash(
    app.ui,
    `Unknown command :${safe(word)} (try :clusters, :cluster NAME, :region NAME, :profile NAME, :scale N, :redeploy, :rollback, :diff).`,
    'error',
  );
}
