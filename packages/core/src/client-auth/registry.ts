import type { ClientAuthMethod } from './client-auth-method.js'
import { clientSecretBasic } from './client-secret-basic.js'
import { clientSecretPost } from './client-secret-post.js'
import { none } from './none.js'

/** The client authentication methods, by RFC 7591 name. */
export const defaultClientAuthMethods: readonly ClientAuthMethod[] = [clientSecretBasic, clientSecretPost, none]
