/**
 * A programmer error in the resource server's settings, thrown by `createResourceServer` at
 * start-up (never on a request), with a stable `code` as Grantline's other packages use.
 */
export class ConfigError extends TypeError {
  readonly code: string

  constructor(code: string, message: string) {
    super(message)
    this.name = 'ConfigError'
    this.code = code
  }
}
