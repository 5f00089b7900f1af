import { readFile, stat, writeFile } from 'node:fs/promises';

/*
 * Reading and writing the files a command names. A file that cannot be read
 * or written is the user's to fix, so the failure is a value with the
 * system's reason (ENOENT, EACCES …) in words, never a throw.
 */

/** A file's text, or why it could not be had. */
export type TextFileResult = { ok: true; text: string } | { ok: false; message: string };

/** The reason in an error from node:fs, without its stack. */
function reasonOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Reads a UTF-8 file of at most bytesMax bytes (checked before reading, so memory stays bounded). */
export async function readTextFile(path: string, bytesMax: number): Promise<TextFileResult> {
  try {
    const { size } = await stat(path);
    if (size > bytesMax) {
      return {
        ok: false,
        message: `${path} has ${size} bytes, more than the ${bytesMax} allowed: split it.`,
      };
    }
    return { ok: true, text: await readFile(path, 'utf8') };
  } catch (error: unknown) {
    return { ok: false, message: `cannot read ${path}: ${reasonOf(error)}` };
  }
}

/** Writes a file whole; null when it went well, else why not. */
export async function writeTextFile(path: string, text: string): Promise<string | null> {
  try {
    await writeFile(path, text, 'utf8');
    return null;
  } catch (error: unknown) {
    return `cannot write ${path}: ${reasonOf(error)}`;
  }
}
