/**
 * The management pages' URLs under `basePath`, DOT's `oauth2_provider` names: always the slashed
 * form, each client_id and consent id percent-encoded as one path segment.
 */
export function managePaths(basePath: string) {
  const app = (clientId: string) => `${basePath}/applications/${encodeURIComponent(clientId)}/`
  const token = (consentId: string) => `${basePath}/authorized_tokens/${encodeURIComponent(consentId)}/`
  return {
    applications: `${basePath}/applications/`,
    register: `${basePath}/applications/register/`,
    application: app,
    update: (clientId: string) => `${app(clientId)}update/`,
    delete: (clientId: string) => `${app(clientId)}delete/`,
    rotateSecret: (clientId: string) => `${app(clientId)}rotate-secret/`,
    authorizedTokens: `${basePath}/authorized_tokens/`,
    revoke: (consentId: string) => `${token(consentId)}delete/`,
    /** The sign-out page of `localAccounts`; a host app with its own accounts serves the same path. */
    logout: '/accounts/logout/',
  }
}

export type ManagePaths = ReturnType<typeof managePaths>
