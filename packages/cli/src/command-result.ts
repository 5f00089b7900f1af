/*
 * What a command gives back to main.ts. A user's mistake (a missing file, a
 * bad option, an invalid scenario) is a value with a message saying what to
 * do, printed without a stack and ending in exit code 1 (STYLE.md, Errors);
 * only a bug throws.
 */

/** A command's output for stdout, or the user's mistake. */
export type CommandResult = { ok: true; stdout: string } | { ok: false; message: string };

/** The output of a command that went well. */
export const success = (stdout: string): CommandResult => ({ ok: true, stdout });

/** A user's mistake: what went wrong and what to do about it. */
export const mistake = (message: string): CommandResult => ({ ok: false, message });
