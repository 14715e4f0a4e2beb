/**
 * The application menu, as data: standard roles for editing and windows, our few commands, and
 * developer tools only in a development build.
 */
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  showLibraryFolder(): void;
  showAbout(): void;
}

export function menuTemplate(options: {
  isMac: boolean;
  isDev: boolean;
  actions: MenuActions;
}): MenuItemConstructorOptions[] {
  const { isMac, isDev, actions } = options;
  const view: MenuItemConstructorOptions[] = [
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  if (isDev) view.unshift({ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' });
  return [
    ...(isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Show Library Folder', click: actions.showLibraryFolder },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: 'About Anomap', click: actions.showAbout }] },
  ];
}
