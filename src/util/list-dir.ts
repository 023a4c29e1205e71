import { readdirSync } from 'node:fs';

/** The names in folder `dir`, or none when it does not exist (other errors are thrown). */
export function namesInDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
