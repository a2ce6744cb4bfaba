/** Words that mark an ffmpeg stderr line as the one a person should read when the process failed. */
const INTERESTING =
  /error|refused|failed|timed out|timeout|not found|no such|invalid|unauthori[sz]ed|denied|no route|unreachable|\b40[134]\b|end of file|could not|unable|cannot|permission/i;

/** The line of ffmpeg's stderr worth showing a person: the last error-looking one, if any. */
export function pickErrorLine(lines: readonly string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i];
    if (line && !line.startsWith('Stream #') && INTERESTING.test(line)) return line;
  }
  return undefined;
}
