/**
 * Special-use addresses (RFC 6890 and the registries that followed it): hosts a server must not
 * fetch on a client's behalf, since they reach the server itself, its private network or cloud
 * metadata services (server-side request forgery: draft-ietf-oauth-client-id-metadata-document §8.6).
 */

/** IPv4 blocks that are not globally reachable unicast: [first address, prefix length]. */
const IPV4_SPECIAL: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8], // "this network", including the unspecified address
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // shared address space, CGNAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, where cloud metadata services answer
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the limited broadcast address
]

/**
 * IPv6 is checked by allow-list: only global unicast (2000::/3) passes, less the special blocks
 * inside it. IPv4-mapped and NAT64 addresses are judged by the IPv4 address they carry.
 */
const IPV6_SPECIAL_IN_GLOBAL: readonly (readonly [string, number])[] = [
  ['2001::', 23], // IETF protocol assignments, Teredo included
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: carries an IPv4 address that could be private
  ['3fff::', 20], // documentation (RFC 9637)
]

function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split('.')
  if (parts.length !== 4 || !parts.every((part) => /^(0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255)) return null
  return Uint8Array.from(parts, Number)
}

function parseIpv6(text: string): Uint8Array | null {
  const halves = text.split('::')
  if (halves.length > 2) return null
  const groups = (half: string | undefined): number[] | null => {
    if (!half) return []
    const out: number[] = []
    const items = half.split(':')
    for (const [index, item] of items.entries()) {
      const v4 = index === items.length - 1 && item.includes('.') ? parseIpv4(item) : null
      if (v4) out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!)
      else if (/^[0-9a-f]{1,4}$/i.test(item)) out.push(Number.parseInt(item, 16))
      else return null
    }
    return out
  }
  const head = groups(halves[0])
  const tail = groups(halves[1])
  if (!head || !tail) return null
  const missing = 8 - head.length - tail.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null
  const all = [...head, ...Array<number>(missing).fill(0), ...tail]
  return Uint8Array.from(all.flatMap((group) => [group >> 8, group & 0xff]))
}

/**
 * An IP address as bytes (4 for IPv4 in dotted decimal, 16 for IPv6, brackets and a zone id
 * allowed), or null when `text` is not one.
 */
export function parseIpAddress(text: string): Uint8Array | null {
  const bare = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '')
  return bare.includes(':') ? parseIpv6(bare) : parseIpv4(bare)
}

function inBlock(address: Uint8Array, block: readonly [string, number]): boolean {
  const base = parseIpAddress(block[0])!
  const bits = block[1]
  for (let i = 0; i < bits; i++) {
    const byte = i >> 3
    const mask = 0x80 >> (i & 7)
    if ((address[byte]! & mask) !== (base[byte]! & mask)) return false
  }
  return true
}

function isPublicIpv4(bytes: Uint8Array): boolean {
  return !IPV4_SPECIAL.some((block) => inBlock(bytes, block))
}

function isPublicIpv6(bytes: Uint8Array): boolean {
  const embedded = bytes.subarray(12)
  // ::ffff:0:0/96 (IPv4-mapped) and 64:ff9b::/96 (NAT64): what they carry is where they go.
  if (inBlock(bytes, ['::ffff:0:0', 96]) || inBlock(bytes, ['64:ff9b::', 96])) return isPublicIpv4(embedded)
  return inBlock(bytes, ['2000::', 3]) && !IPV6_SPECIAL_IN_GLOBAL.some((block) => inBlock(bytes, block))
}

/**
 * Whether `address` (an IPv4 or IPv6 literal) is a globally reachable unicast address. Anything
 * else, including text that is not an address, is special-use: private, loopback, link-local,
 * unique-local, CGNAT, unspecified, multicast, documentation, or IPv4-mapped IPv6 of those.
 */
export function isPublicAddress(address: string): boolean {
  const bytes = parseIpAddress(address)
  if (!bytes) return false
  return bytes.length === 4 ? isPublicIpv4(bytes) : isPublicIpv6(bytes)
}

/** Names that resolve to this machine or a local network (RFC 6761 §6.3, RFC 6762, RFC 8375). */
const LOCAL_SUFFIXES = ['localhost', 'local', 'internal', 'home.arpa']

/**
 * Why a URL host must not be fetched, before any connection: an IP literal that is not public, a
 * single-label name (resolved through the search domains of the server's own network), or a
 * local-only name such as `localhost`. Undefined means it may be fetched; a name's addresses are
 * the fetch's to check (the Node adapter's safeFetch does so).
 */
export function refusedHost(hostname: string): string | undefined {
  if (hostname.startsWith('[') || /^[\d.]+$/.test(hostname)) {
    return isPublicAddress(hostname) ? undefined : 'is a special-use IP address (RFC 6890)'
  }
  const name = hostname.toLowerCase().replace(/\.$/, '')
  if (!name.includes('.') && name !== 'localhost') return 'is a single-label name, which resolves inside the server network'
  const local = LOCAL_SUFFIXES.find((suffix) => name === suffix || name.endsWith(`.${suffix}`))
  return local ? `is a local-only name (.${local})` : undefined
}
