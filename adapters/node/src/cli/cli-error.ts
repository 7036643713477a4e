/**
 * A failure the user can act on, printed as one line without a stack trace. Status 2 is a
 * mistake on the command line (unknown command or flag, bad value, unreadable config); status 1
 * is a command that was right but could not run (the database does not answer, the port is taken).
 */
export class CliError extends Error {
  override name = 'CliError'
  constructor(
    message: string,
    readonly status: 1 | 2 = 2,
  ) {
    super(message)
  }
}
