/** A CLI failure with its exit code: 2 bad input, 1 internal error. */
export class CliError extends Error {
  constructor(
    readonly exitCode: 1 | 2,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const badInput = (message: string): CliError => new CliError(2, message);
