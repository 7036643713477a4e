import type { Client } from '../../contracts/storage.js'

/** Hosts that name the user's own machine (RFC 8252 §7.3, RFC 6761 §6.3), in the form URL parsing gives them. */
function isLoopbackHost(name: string): boolean {
  // A trailing dot names the same host; 0.0.0.0 and [::] reach the local machine on most systems.
  const hostname = name.endsWith('.') ? name.slice(0, -1) : name
  return (
    hostname === 'localhost' ||
    hostname === '0.0.0.0' ||
    hostname === '[::]' ||
    hostname.endsWith('.localhost') ||
    /^127\.\d+\.\d+\.\d+$/.test(hostname) ||
    hostname === '[::1]' ||
    /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(hostname)
  )
}

/**
 * Whether the request surely comes from the registered client, so that an earlier consent may be
 * reused without asking (RFC 6749 §10.2, RFC 8252 §8.6). Only a confidential client registered by
 * the operator, redirecting to an `https` URI on a real host, qualifies: a public client's id is no secret, anything on the
 * user's machine can listen on a loopback port, and any app can claim a private-use scheme.
 */
export function identityAssured(client: Client, redirectUri: string): boolean {
  if (client.client_type === 'public' || client.token_endpoint_auth_method === 'none') return false
  // A client that registered itself (or names itself by a metadata document) may change its
  // redirect URIs at will (RFC 7592): what the user approved was its word, not a checked identity.
  if (client.dynamic) return false
  let url: URL
  try {
    url = new URL(redirectUri)
  } catch {
    return false
  }
  return url.protocol === 'https:' && !isLoopbackHost(url.hostname)
}
