import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The default library folder in the OS's user-data location, found without Electron (which
 * would give the same answer through app.getPath('userData')). ANOMAP_LIBRARY overrides it.
 */
export function defaultLibraryDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env.ANOMAP_LIBRARY) return env.ANOMAP_LIBRARY;
  if (platform === 'win32') {
    return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Anomap');
  }
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Anomap');
  return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'anomap');
}
