import { describe, expect, it } from 'vitest'
import { sha256Hex } from '../../packages/core/src/primitives/crypto.js'
import { addressBucket } from '../../packages/core/src/rate-limit/address-bucket.js'
import { rateLimitKey } from '../../packages/core/src/rate-limit/rate-limiter.js'
import { form, setup } from '../support/provider.js'

describe('RFC 6585 §4: rate limits count an IPv6 caller by its /64', () => {
  it('an IPv6 address counts under its /64 in every spelling; IPv4 and IPv4-mapped addresses count as themselves', () => {
    expect(addressBucket('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64')
    expect(addressBucket('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64')
    expect(addressBucket('[2001:db8:1:2::9]')).toBe('2001:db8:1:2::/64')
    expect(addressBucket('fe80::1%eth0')).toBe('fe80:0:0:0::/64')
    expect(addressBucket('::1')).toBe('0:0:0:0::/64')
    expect(addressBucket('2001:db8::')).toBe('2001:db8:0:0::/64')
    expect(addressBucket('::ffff:192.0.2.1')).toBe('192.0.2.1')
    expect(addressBucket('192.0.2.1')).toBe('192.0.2.1')
  })

  it('RFC 6749 §10.10: the key failures count under is the hash of client_id and address bucket, the same when a recent caller asks again', () => {
    const derived = (id: string, bucket: string) => `client_auth:${sha256Hex(`${id}\n${bucket}`)}`
    for (let round = 0; round < 2; round++) {
      expect(rateLimitKey('c1', '2001:db8:1:2::9')).toBe(derived('c1', '2001:db8:1:2::/64'))
      expect(rateLimitKey('c1', '2001:db8:1:2::a')).toBe(derived('c1', '2001:db8:1:2::/64'))
      expect(rateLimitKey('c1', '192.0.2.1')).toBe(derived('c1', '192.0.2.1'))
      expect(rateLimitKey('c1', undefined)).toBe(`client_auth:id:${sha256Hex('c1')}`)
      expect(rateLimitKey('x'.repeat(300), '192.0.2.1')).toBe(derived('x'.repeat(300), '192.0.2.1'))
    }
    // Pairs that would spell one string when joined stay apart.
    expect(rateLimitKey('c1', '192.0.2.1')).not.toBe(rateLimitKey('c11', '92.0.2.1'))
    // Past its bound the memory of recent keys starts again, and keys stay right.
    for (let i = 0; i < 5000; i++) rateLimitKey(`client-${i}`, '192.0.2.7')
    expect(rateLimitKey('client-1', '192.0.2.7')).toBe(derived('client-1', '192.0.2.7'))
  })

  it('RFC 6749 §10.10: failed client authentications from many addresses of one /64 share one limit', async () => {
    const s = setup()
    const { client } = await s.provider.clients.create({ client_name: 'c', grant_types: ['client_credentials'], redirect_uris: [] })
    const attempt = (i: number) =>
      s.provider.handle(
        new Request(
          'https://as.example/o/token/',
          form({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: 'wrong' }),
        ),
        { clientAddress: `2001:db8:1:2::${i.toString(16)}` },
      )
    for (let i = 1; i <= 10; i++) expect((await attempt(i)).status).toBe(400)
    expect((await attempt(11)).status).toBe(429)
    const elsewhere = await s.provider.handle(
      new Request(
        'https://as.example/o/token/',
        form({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: 'wrong' }),
      ),
      { clientAddress: '2001:db8:1:3::1' },
    )
    expect(elsewhere.status).toBe(400)
  })
})
