/** Hono variables every sub-app can read: the authenticated project (set by auth/middleware.ts). */
export interface AppEnv {
  Variables: {
    projectId: string;
    /** The API key used, or null for a loopback local session. */
    keyId: string | null;
  };
}
