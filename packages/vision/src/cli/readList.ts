import { readFile } from 'node:fs/promises';

import { VisionError } from '../VisionError.ts';
import { callerPath } from './callerPath.ts';

/** One path per line; blank lines and CR line ends ignored; spaces inside names kept. */
export async function readList(listPath: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(callerPath(listPath), 'utf8');
  } catch (error) {
    throw new VisionError('INVALID_ARGUMENT', `cannot read list ${listPath}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return text
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.trim() !== '');
}
