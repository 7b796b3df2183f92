/** An answer with a status other than 500: `error` (readable), optional `code` (machine-readable), extra headers. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Record<string, string> = {}, readonly code?: string) {
    super(message);
  }
}
