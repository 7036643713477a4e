/** What a consent page shows and posts back; the `renderConsent` hook receives it. */
export interface ConsentContext {
  request: Request
  client: { client_id: string; client_name: string }
  scopes: { name: string; description: string }[]
  /** Where the decision is posted, with the hidden fields it must carry. */
  form: { action: string; fields: { interaction: string; csrf: string } }
  redirectUri: string
  /** The resources (APIs) the tokens will be for (RFC 8707), with their configured names. */
  resources?: { uri: string; name?: string }[]
  /**
   * Set for a client that registered itself (RFC 7591 §5): its name is its own claim, so the page
   * says the application is unverified and names the host it redirects to, the one identity the
   * server checked.
   */
  unverified?: { redirectHost: string; documentHost?: string }
  /** OIDC Core §3.1.2.1 `ui_locales`: well-formed language tags, preferred first; the built-in page takes the first as its `lang`. */
  uiLocales?: string[]
}
