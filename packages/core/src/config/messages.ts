/** What a secret is and how to make one: shared by the provider's `secrets` and localAccounts' `secrets`. */
export const SECRET_MESSAGE =
  'each secret must be a string of at least 32 characters (for example from `openssl rand -base64 32`, read from an environment variable such as GRANTLINE_SECRET)'

/** What the key-encryption key is and how to make one: shared by the schema and parseKeyEncryptionKey (after "oidc.keyEncryptionKey: "). */
export const KEY_ENCRYPTION_KEY_MESSAGE =
  'must be base64url of 32 random bytes, kept outside storage (for example in an environment variable); make one with `node -e "console.log(crypto.randomBytes(32).toString(\'base64url\'))"`'
