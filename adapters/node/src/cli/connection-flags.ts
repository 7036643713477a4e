import { CONNECTION_LIMITS, type ConnectionLimits } from '../connection-limits.js'
import { integer } from './args.js'
import { CliError } from './cli-error.js'

/** `grantline serve`'s flags for serve()'s connection limits: whole seconds, and a count. */
export const connectionFlags = {
  'request-timeout': { type: 'string' },
  'headers-timeout': { type: 'string' },
  'keep-alive-timeout': { type: 'string' },
  'max-connections': { type: 'string' },
} as const

export const connectionFlagsUsage = '[--request-timeout 30] [--headers-timeout 10] [--keep-alive-timeout 5] [--max-connections 1024]'

type Values = { [K in keyof typeof connectionFlags]?: string | undefined }

const seconds = (value: string | undefined, name: string) => {
  const s = integer(value, name)
  return s === undefined ? undefined : s * 1000
}

/** The limits the flags set (unset ones keep serve()'s defaults); 0 turns one off. */
export function connectionLimitsOf(values: Values): ConnectionLimits {
  const limits: ConnectionLimits = {}
  const requestTimeout = seconds(values['request-timeout'], 'request-timeout')
  const headersTimeout = seconds(values['headers-timeout'], 'headers-timeout')
  const keepAliveTimeout = seconds(values['keep-alive-timeout'], 'keep-alive-timeout')
  const maxConnections = integer(values['max-connections'], 'max-connections')
  if (requestTimeout !== undefined) limits.requestTimeout = requestTimeout
  if (headersTimeout !== undefined) limits.headersTimeout = headersTimeout
  if (keepAliveTimeout !== undefined) limits.keepAliveTimeout = keepAliveTimeout
  if (maxConnections !== undefined) limits.maxConnections = maxConnections
  // node:http refuses a header timeout longer than the request's (the headers are part of it).
  const request = requestTimeout ?? CONNECTION_LIMITS.requestTimeout
  if (headersTimeout && request && headersTimeout > request) {
    throw new CliError(`--headers-timeout must be at most --request-timeout (${request / 1000} s)`)
  }
  return limits
}
