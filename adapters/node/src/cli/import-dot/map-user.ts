import type { UserRecord } from '@grantline/core'
import type { DotRow } from './dot-reader.js'
import { type EpochReader, epochSeconds, flag, key, text } from './dot-values.js'
import type { TableReport } from './import-report.js'

/** The auth_user columns the import reads. */
export const USER_COLUMNS = ['id', 'username', 'password', 'email', 'first_name', 'last_name', 'is_active', 'date_joined'] as const

/** The Grantline users there already, to tell an earlier import from a clash. */
export interface ExistingUsers {
  bySub: Map<string, UserRecord>
  byUsername: Map<string, UserRecord>
}

/**
 * A Django user's subject in Grantline: its primary key as text. DOT puts `str(user.pk)` in the
 * `sub` claim of its ID tokens, so relying parties that keyed accounts by `sub` find the same
 * users after the switch.
 */
export function subOf(dotUserId: string): string {
  return dotUserId
}

/** The OIDC claims Django's user model holds. */
function claimsOf(row: DotRow): Record<string, unknown> {
  const given = text(row.first_name).trim()
  const family = text(row.last_name).trim()
  const email = text(row.email).trim()
  const name = [given, family].filter(Boolean).join(' ')
  return {
    ...(name ? { name } : {}),
    ...(given ? { given_name: given } : {}),
    ...(family ? { family_name: family } : {}),
    ...(email ? { email } : {}),
  }
}

/**
 * A Django user as a Grantline user, the password hash kept as it is (`localAccounts` checks
 * Django's `pbkdf2_sha256` hashes and rehashes them at the next login). Answers null, with the
 * reason in the report, for a user that is not imported.
 */
export function mapUser(
  row: DotRow,
  now: number,
  existing: ExistingUsers,
  report: TableReport,
  epoch: EpochReader = epochSeconds,
): UserRecord | null {
  const id = key(row.id) ?? ''
  const username = text(row.username)
  const sub = subOf(id)
  if (!flag(row.is_active)) {
    report.refused.push({ id: username, why: 'inactive in Django (is_active is false): it could not log in there either' })
    return null
  }
  const bySub = existing.bySub.get(sub)
  const byName = existing.byUsername.get(username)
  if (bySub && bySub.username !== username) {
    report.refused.push({ id: username, why: `its subject ${sub} belongs to the Grantline user "${bySub.username}"` })
    return null
  }
  if (byName && byName.sub !== sub) {
    report.refused.push({ id: username, why: `the username belongs to another Grantline user (subject ${byName.sub})` })
    return null
  }
  const password = text(row.password)
  const algorithm = password.split('$')[0] ?? ''
  if (password !== '' && !password.startsWith('!') && algorithm !== 'pbkdf2_sha256') {
    report.notes.push(
      `${username}: the password hash is ${algorithm || 'in an unknown format'}, which Grantline does not check (only pbkdf2_sha256); set a new one with grantline users set-password`,
    )
  }
  return {
    sub,
    username,
    password_hash: password,
    claims: claimsOf(row),
    created_at: epoch(row.date_joined) ?? now,
  }
}
