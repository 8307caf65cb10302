// Errors a user can meet that are about their input, not a failure of the job: the CLI prints them in one
// line (GANVAE_DEBUG=1 adds the stack) and exits 2. Free of Node imports: the browser entry exports them.

/**
 * A run folder (or a model folder read like one's parts) that cannot be used as it is: missing, unreadable,
 * of another format version, of the wrong model family, or with corrupt files. `message` names the folder
 * or file and what is wrong. This is bad input, not a failed job: the CLI exits 2.
 */
export class RunFolderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RunFolderError';
  }
}

/** A problem with the user's data or its location (bad files, wrong flags, failed downloads); `message` names the file. */
export class DataError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DataError';
  }
}

/** A configuration problem a user can fix: the message names the flag, key or file. */
export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}
