/** Django OAuth Toolkit's tables (its default, unswapped models) and Django's user table. */
export const DOT_TABLES = {
  application: 'oauth2_provider_application',
  accessToken: 'oauth2_provider_accesstoken',
  refreshToken: 'oauth2_provider_refreshtoken',
  grant: 'oauth2_provider_grant',
  idToken: 'oauth2_provider_idtoken',
  user: 'auth_user',
} as const

export type DotTable = (typeof DOT_TABLES)[keyof typeof DOT_TABLES]
