import { exportJWK, generateKeyPair, importJWK } from 'jose'
import type { Signer, SigningAlg, SigningKeys } from '../contracts/services.js'
import type { SigningKeyRecord, Storage } from '../contracts/storage.js'
import { randomId } from '../primitives/crypto.js'
import { decryptJwk, encryptJwk } from './key-encryption.js'
import { keyStates } from './key-states.js'

export interface SigningKeysOptions {
  storage: Storage
  keyEncryptionKey: Uint8Array
  alg: SigningAlg
  /** Epoch seconds. */
  seconds: () => number
  /** The JWKS max-age: a new key is published this long before it signs. */
  publishSeconds: number
  /** The longest lifetime of a token a key signs: retired keys stay published that long. */
  retainSeconds: number
  /** Make the first key inside a request when none exists (not on Workers: there the CLI or scheduled() does). */
  createOnDemand: boolean
}

/** Keys are re-read at least this often, so every instance sees a rotation. */
const RELOAD_SECONDS = 60

async function newKey(options: SigningKeysOptions, activateAt: number): Promise<SigningKeyRecord> {
  const { privateKey, publicKey } = await generateKeyPair(options.alg, {
    extractable: true,
    ...(options.alg === 'RS256' ? { modulusLength: 2048 } : {}),
  })
  const kid = randomId()
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: options.alg, use: 'sig' }
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: options.alg }
  return {
    kid,
    alg: options.alg,
    public_jwk: publicJwk,
    private_jwe: await encryptJwk(privateJwk, options.keyEncryptionKey),
    created_at: options.seconds(),
    activate_at: activateAt,
  }
}

/** Signing keys stored encrypted, created without races, rotated through next -> active -> retired. */
export function createSigningKeys(options: SigningKeysOptions): SigningKeys {
  let cache: { keys: SigningKeyRecord[]; loadedAt: number } | undefined
  const signers = new Map<string, Promise<Signer>>()

  const load = async (force = false): Promise<SigningKeyRecord[]> => {
    const now = options.seconds()
    if (!force && cache && now - cache.loadedAt < RELOAD_SECONDS) return cache.keys
    cache = { keys: await options.storage.listSigningKeys(), loadedAt: now }
    return cache.keys
  }

  const states = async () => {
    let keys = await load()
    // A cached `next` key may have activated meanwhile; time decides, so no reload is needed.
    if (keys.length === 0 && options.createOnDemand) {
      await options.storage.addSigningKey(await newKey(options, options.seconds()), { ifNone: true })
      keys = await load(true)
    }
    return keyStates(keys, options.seconds(), options.retainSeconds)
  }

  const signerFor = (record: SigningKeyRecord): Promise<Signer> => {
    let signer = signers.get(record.kid)
    if (!signer) {
      signer = decryptJwk(record.private_jwe, options.keyEncryptionKey)
        .then((jwk) => importJWK(jwk, record.alg))
        .then((key) => ({ kid: record.kid, alg: record.alg as SigningAlg, privateKey: key as CryptoKey }))
      signers.set(record.kid, signer)
    }
    return signer
  }

  return {
    /** The active key, decrypted; null when there is none yet (and none may be made here). */
    async signer(): Promise<Signer | null> {
      const { active } = await states()
      return active ? signerFor(active) : null
    },
    /** RFC 7517 key set: next, active and still-needed retired public keys. */
    async jwks(): Promise<{ keys: Record<string, unknown>[] }> {
      const { active, next, retired } = await states()
      return { keys: [...next, ...(active ? [active] : []), ...retired].map((key) => key.public_jwk) }
    },
    /**
     * Adds a key that is published now and signs after `publishSeconds`, once every relying party
     * has re-fetched the JWKS. With no key at all, the new one signs at once.
     */
    async rotate(): Promise<SigningKeyRecord> {
      const keys = await load(true)
      const key = await newKey(options, options.seconds() + (keys.length === 0 ? 0 : options.publishSeconds))
      await options.storage.addSigningKey(key)
      await load(true)
      return key
    },
  }
}
