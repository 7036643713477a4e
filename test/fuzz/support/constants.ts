/** The fuzz fixture's fixed values: the run is reproducible from its seed. */
export const ORIGIN = 'https://as.example'
export const ISSUER = `${ORIGIN}/o`
export const BASE = '/o'
export const SECRET = 'fuzz-provider-secret-5b0d1c0e9a7f4e2c8d3b6a1f'
/** A fixed key-encryption key (base64url of 32 bytes): the fuzz run is reproducible from its seed. */
export const KEY_ENCRYPTION_KEY = 'q3t9S1xK0wYf2Vh8cJm5Lr7Pd4Ng6Eb1Za0Ui3Oy9Ws'
export const PASSWORDS = { alice: 'alice pbkdf2 passphrase 7c41', bob: 'bob pbkdf2 passphrase 19ea' } as const
/** RFC 7636 Appendix B's verifier and its S256 challenge. */
export const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'
export const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
/** One more fixed, valid verifier whose challenge is not stored anywhere. */
export const OTHER_VERIFIER = 'x'.repeat(43)

/** Lone surrogates cannot be UTF-8 encoded; a client's encoder would send U+FFFD for them. */
const wellFormed = (value: string) => value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')

/** RFC 6749 §2.3.1: Basic over the form-urlencoded client_id and secret. */
export const basic = (id: string, secret: string) =>
  `Basic ${btoa(`${encodeURIComponent(wellFormed(id))}:${encodeURIComponent(wellFormed(secret))}`)}`
