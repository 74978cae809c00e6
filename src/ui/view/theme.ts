/**
 * Host theming (MCP Apps "Theming"): the host's light/dark choice and its standard CSS variables
 * (--color-background-primary, --font-sans, ...). The stylesheet reads those variables with its own
 * fallbacks; without a host theme the view follows the browser's prefers-color-scheme.
 */
import type { HostContext } from './host-bridge.js';

export interface Theme {
  /** Applies a host context or a partial change of one. */
  apply(context: HostContext): void;
}

export function followTheme(root: HTMLElement): Theme {
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  let hostTheme: 'light' | 'dark' | undefined;
  const set = () => {
    const theme = hostTheme ?? (media.matches ? 'dark' : 'light');
    root.dataset.theme = theme;
    // Host variables may use light-dark(), which resolves by color-scheme.
    root.style.colorScheme = theme;
  };
  media.addEventListener('change', set);
  set();
  return {
    apply(context) {
      if (context.theme === 'light' || context.theme === 'dark') hostTheme = context.theme;
      for (const [name, value] of Object.entries(context.styles?.variables ?? {})) {
        if (name.startsWith('--') && value) root.style.setProperty(name, value);
      }
      set();
    },
  };
}
