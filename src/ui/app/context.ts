import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
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
