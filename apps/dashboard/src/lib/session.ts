import type { paths } from './api-schema';

export type Session =
  paths['/api/v1/auth/login']['post']['responses'][200]['content']['application/json'];

/** What survives a reload: everything but the access token, which lives only in memory. */
export type StoredSession = Omit<Session, 'accessToken' | 'expiresIn'>;

export type SessionEndReason = 'logout' | 'expired';

const STORAGE_KEY = 'herald.session';
// Refresh a little early so a request never leaves with a token that expires in flight.
const EXPIRY_MARGIN_MS = 30_000;

let stored: StoredSession | null = read();
let access: { token: string; expiresAt: number } | null = null;
let endReason: SessionEndReason | null = null;
const listeners = new Set<() => void>();

function read(): StoredSession | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const value = JSON.parse(raw) as Partial<StoredSession> | null;
    if (
      !value ||
      typeof value.refreshToken !== 'string' ||
      !value.user ||
      !value.organization ||
      typeof value.role !== 'string'
    ) {
      return null;
    }
    return value as StoredSession;
  } catch {
    return null;
  }
}

function emit(): void {
  for (const listener of listeners) listener();
}

export const sessionStore = {
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },

  get(): StoredSession | null {
    return stored;
  },

  /** Always re-read storage: another tab may have rotated the refresh token meanwhile. */
  readRefreshToken(): string | null {
    stored = read() ?? stored;
    return stored?.refreshToken ?? null;
  },

  /** A valid access token, or null when it is missing or about to expire. */
  getAccessToken(): string | null {
    if (!access || access.expiresAt - EXPIRY_MARGIN_MS <= Date.now()) return null;
    return access.token;
  },

  set(session: Session): void {
    const { accessToken, expiresIn, ...rest } = session;
    access = { token: accessToken, expiresAt: Date.now() + expiresIn * 1000 };
    stored = rest;
    endReason = null;
    localStorage.setItem(STORAGE_KEY, JSON.stringify(rest));
    emit();
  },

  clear(reason: SessionEndReason): void {
    access = null;
    stored = null;
    endReason = reason;
    localStorage.removeItem(STORAGE_KEY);
    emit();
  },

  /** Why the last session ended (until the next one starts), for the login page's notice. */
  peekEndReason(): SessionEndReason | null {
    return endReason;
  },
};

// Keep tabs in step: a logout or an organization switch in one tab applies to all of them.
window.addEventListener('storage', (event) => {
  if (event.key !== STORAGE_KEY) return;
  const next = read();
  const previous = stored;
  stored = next;
  if (!next) {
    access = null;
    endReason = 'logout';
  } else if (previous?.organization.id !== next.organization.id) {
    // Our access token belongs to the previous organization; the next request refreshes.
    access = null;
  }
  emit();
});
