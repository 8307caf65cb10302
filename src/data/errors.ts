// The error type for problems a user can meet with their data: bad files, wrong flags, failed downloads.
// The CLI prints these without a stack trace; anything else escaping src/data is a bug. Free of Node
// imports (the browser entry exports it); src/data/read-file.ts reads files with the same errors.

/** A problem with the user's data or its location; `message` names the file and what is wrong. */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}
