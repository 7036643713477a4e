/** A user's mistake on the command line: printed as one clear line, exit status 2. */
export class CliError extends Error {
  override name = 'CliError'
}
