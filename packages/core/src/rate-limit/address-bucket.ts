/**
 * What a rate limit counts an address under: an IPv4 address itself, an IPv6 address's /64. One
 * subscriber usually holds a whole /64 and may pick any address in it, so counting full IPv6
 * addresses would give an attacker 2^64 fresh counts (RFC 6585 §4, RFC 6749 §10.10). An
 * IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) counts as its IPv4 address.
 */
export function addressBucket(address: string): string {
  const plain = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '')
  if (!plain.includes(':')) return plain
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(plain)
  if (mapped) return mapped[1] as string
  const [head, tail] = plain.split('::')
  const groups = (part: string | undefined) => (part ? part.split(':') : [])
  const left = groups(head)
  const right = groups(tail)
  const zeros = tail === undefined ? [] : Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0')
  const prefix = [...left, ...zeros, ...right].slice(0, 4).map((group) => (Number.parseInt(group, 16) || 0).toString(16))
  return `${prefix.join(':')}::/64`
}
