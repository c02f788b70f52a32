// The colour theme: "light" or "dark" chosen with the toggle (kept in localStorage), else the
// system preference. The inline script in the root layout applies it before the first paint.

export type Theme = "light" | "dark";

export const THEME_STORAGE_KEY = "session-console-theme";

/** Runs in <head> before React: no flash of the wrong theme. Kept tiny and dependency-free. */
export const THEME_INIT_SCRIPT = `try{var t=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)});if(t==="light"||t==="dark")document.documentElement.dataset.theme=t}catch(e){}`;

const listeners = new Set<() => void>();
const media = () => window.matchMedia("(prefers-color-scheme: dark)");

export function currentTheme(): Theme {
  const chosen = document.documentElement.dataset.theme;
  if (chosen === "light" || chosen === "dark") return chosen;
  return media().matches ? "dark" : "light";
}

export function setTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  try {
    localStorage.setItem(THEME_STORAGE_KEY, theme);
  } catch {
    // Private windows may refuse storage; the choice then lasts for this page only.
  }
  listeners.forEach((listener) => listener());
}

/** For useSyncExternalStore: follows both the toggle and system changes. */
export function subscribeTheme(listener: () => void): () => void {
  listeners.add(listener);
  const query = media();
  query.addEventListener("change", listener);
  return () => {
    listeners.delete(listener);
    query.removeEventListener("change", listener);
  };
}
