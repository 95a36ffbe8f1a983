import { createContext, useContext } from 'react';
import { createTheme, type Theme } from './theme.ts';

export const ThemeContext = createContext<Theme>(createTheme({ colour: true }));

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
