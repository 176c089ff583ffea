/**
 * Keyboard for the lists drawn as rows (cgroup tree, task list): Up/Down,
 * Home/End move the selection, Enter/Space selects the focused row. Returns
 * the index to select, or null when the key is not one of these.
 */
export function listKeyTarget(key: string, index: number, length: number): number | null {
  if (length === 0) return null;
  switch (key) {
    case 'ArrowDown':
      return Math.min(length - 1, index + 1);
    case 'ArrowUp':
      return Math.max(0, index - 1);
    case 'Home':
      return 0;
    case 'End':
      return length - 1;
    case 'Enter':
    case ' ':
      return index;
    default:
      return null;
  }
}

/** Handle a keydown on row `index` of a list whose rows are the focusable children of one element. */
export function onListKey(e: KeyboardEvent, index: number, length: number, select: (i: number) => void): void {
  const to = listKeyTarget(e.key, index, length);
  if (to === null) return;
  e.preventDefault();
  select(to);
  const rows = (e.currentTarget as HTMLElement).parentElement?.querySelectorAll<HTMLElement>('[tabindex="0"][role="option"]');
  rows?.[to]?.focus();
}
