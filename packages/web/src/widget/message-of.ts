/** What to tell the customer about a failure: the server's message, which says what to do next. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : 'Something went wrong; please try again.';
}
