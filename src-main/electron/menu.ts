import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand, MenuItemModel, MenuModel } from '../lab/desktop-policy';

/** Turn the tested menu model into Electron's template; `run` carries out a command. */
export function buildMenu(model: MenuModel[], run: (c: MenuCommand) => void): Menu {
  const item = (m: MenuItemModel): MenuItemConstructorOptions => {
    switch (m.type) {
      case 'separator':
        return { type: 'separator' };
      case 'role':
        return { role: m.role as MenuItemConstructorOptions['role'] };
      case 'submenu':
        return { label: m.label, submenu: m.items.map(item) };
      case 'command':
        return { label: m.label, accelerator: m.accelerator, enabled: m.enabled ?? true, click: () => run(m.command) };
    }
  };
  const template: MenuItemConstructorOptions[] = model.map((top) => ({ label: top.label, submenu: top.items.map(item) }));
  if (process.platform === 'darwin') template.unshift({ role: 'appMenu' });
  return Menu.buildFromTemplate(template);
}
