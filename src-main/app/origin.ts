/**
 * The app's own origin: the renderer is served from app://anomap/ (a standard, secure custom
 * scheme), never file://, so it has a real origin that CSP and sender checks can name.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'anomap';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/** True for a URL of our own renderer (and nothing that merely starts with the same text). */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** IPC channels, all under one prefix the preload checks. */
export const IPC_CALL = 'anomap:call';
export const IPC_EVENT = 'anomap:event';
/** Passed to the preload in process.argv, so the method list is written once (the contract). */
export const METHODS_ARG = '--anomap-methods=';
