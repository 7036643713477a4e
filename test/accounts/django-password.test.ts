import { hashDjangoPassword, verifyDjangoPassword } from '@grantline/core'
import { describe, expect, it } from 'vitest'

describe('Django pbkdf2_sha256 hashes', () => {
  it('verifies the vector of Django 4.2 tests/auth_tests/test_hashers.py (test_pbkdf2, 600,000 iterations)', async () => {
    // make_password("lètmein", "seasalt", "pbkdf2_sha256") in Django 4.2; also
    // base64.b64encode(hashlib.pbkdf2_hmac('sha256', 'lètmein'.encode(), b'seasalt', 600000)).
    const encoded = 'pbkdf2_sha256$600000$seasalt$OAXyhAQ/4ZDA9V5RMExt3C1OwQdUpLZ99vm1McFlLRA='
    expect(await verifyDjangoPassword('lètmein', encoded)).toEqual({ ok: true, needsRehash: true }) // "seasalt" is a weak salt
    expect((await verifyDjangoPassword('lètmeinz', encoded)).ok).toBe(false)
  })

  it('matches Python hashlib.pbkdf2_hmac for a stored count of 1000', async () => {
    // python3 -c "import hashlib,base64; print(base64.b64encode(hashlib.pbkdf2_hmac('sha256', b'pw', b'salt', 1000)).decode())"
    const encoded = 'pbkdf2_sha256$1000$salt$CjglNVXON/XHKmtwP5loFOvyQfIDrxRuk9zesDHFVn4='
    expect(await verifyDjangoPassword('pw', encoded, { iterations: 1000 })).toEqual({ ok: true, needsRehash: true })
    expect((await verifyDjangoPassword('pW', encoded, { iterations: 1000 })).ok).toBe(false)
  })

  it('round-trips with a 22-character salt and the given count', async () => {
    const encoded = await hashDjangoPassword('correct horse', 1000)
    expect(encoded).toMatch(/^pbkdf2_sha256\$1000\$[A-Za-z0-9]{22}\$[A-Za-z0-9+/]{43}=$/)
    expect(await verifyDjangoPassword('correct horse', encoded, { iterations: 1000 })).toEqual({ ok: true, needsRehash: false })
    expect(await verifyDjangoPassword('correct horse!', encoded, { iterations: 1000 })).toEqual({ ok: false, needsRehash: false })
    expect(await hashDjangoPassword('correct horse', 1000)).not.toBe(encoded)
  })

  it('honours the stored count and asks for a rehash when it differs from the configured one', async () => {
    const encoded = await hashDjangoPassword('pw', 1200)
    expect(await verifyDjangoPassword('pw', encoded, { iterations: 1000 })).toEqual({ ok: true, needsRehash: true })
    expect(await verifyDjangoPassword('pw', encoded, { iterations: 1200 })).toEqual({ ok: true, needsRehash: false })
  })

  it('refuses counts above the cap without deriving, and malformed or foreign hashes', async () => {
    const encoded = await hashDjangoPassword('pw', 1000)
    const [, , salt, hash] = encoded.split('$')
    expect((await verifyDjangoPassword('pw', `pbkdf2_sha256$999999999$${salt}$${hash}`)).ok).toBe(false)
    expect((await verifyDjangoPassword('pw', encoded, { maxIterations: 999 })).ok).toBe(false)
    for (const bad of [
      '',
      '!unusable',
      'pbkdf2_sha1$1000$salt$x',
      'pbkdf2_sha256$01000$salt$x',
      'pbkdf2_sha256$1000$$x',
      `${encoded}$extra`,
    ]) {
      expect((await verifyDjangoPassword('pw', bad)).ok).toBe(false)
    }
    await expect(hashDjangoPassword('pw', 0)).rejects.toThrow(RangeError)
  })
})
