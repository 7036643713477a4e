/**
 * Request parameters, each present at most once; empty values count as absent (RFC 6749 §3.1).
 * The one parameter that may repeat, RFC 8707's `resource`, holds its values joined by a space
 * (a URI has none).
 */
export type Params = Map<string, string>
