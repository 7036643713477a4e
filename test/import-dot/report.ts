/** The `--json` report of `grantline import-dot`, as the tests read it. */
export interface TableReport {
  read: number
  imported: number
  already_present: number
  skipped: Record<string, number>
  refused: { id: string; field?: string; value?: string; why: string }[]
  refused_values: { id: string; field?: string; value?: string; why: string }[]
  notes: string[]
}

export interface Report {
  source: { dialect: string; dot_version: string }
  dry_run: boolean
  tables: Record<
    | 'auth_user'
    | 'oauth2_provider_application'
    | 'oauth2_provider_accesstoken'
    | 'oauth2_provider_refreshtoken'
    | 'oauth2_provider_grant'
    | 'oauth2_provider_idtoken',
    TableReport
  >
}
