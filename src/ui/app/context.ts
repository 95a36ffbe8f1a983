import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { DEFAULT_KEYMAP, type Keymap } from '../../keymap/keymap.ts';
import type { LastLinesCache } from '../../logs/lastLines.ts';
import type { LogsAccess } from '../../logs/types.ts';
import type { EcsState, EcsStore } from '../../store/store.ts';
import type { PaneTables } from '../panes/registry.ts';
import type { UiState, UiStore } from './uiStore.ts';

/** Where ecsdeck is pointed, for the header. */
export interface TargetInfo {
  profile?: string;
  region?: string;
  endpointKind: 'aws' | 'custom' | 'simulator';
  endpoint?: string;
}

export interface AppServices {
  ecs: EcsStore;
  ui: UiStore;
  tables: PaneTables;
  target: TargetInfo;
  readOnly: boolean;
  /** The keymap with the config's overrides; absent, the defaults. */
  keymap?: Keymap;
  /** The profile's banner from the config file (e.g. "PRODUCTION"), shown first in the header. */
  banner?: string;
  /** CloudWatch Logs (log view, last lines of stopped tasks); its client is made on first use. */
  logs?: LogsAccess;
  /** The last lines of stopped tasks on screen (a failure group's selected task, a stopped task's detail). */
  lastLines?: LastLinesCache;
}

export const AppContext = createContext<AppServices | undefined>(undefined);

export function useApp(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error('ecsdeck UI component rendered outside its App');
  return services;
}

export function useEcs<T>(selector: (state: EcsState) => T): T {
  return useStore(useApp().ecs, selector);
}

export function useUi<T>(selector: (state: UiState) => T): T {
  return useStore(useApp().ui, selector);
}

export function useKeymap(): Keymap {
  return useApp().keymap ?? DEFAULT_KEYMAP;
}
