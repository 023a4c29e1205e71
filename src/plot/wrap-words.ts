/**
 * Breaks `text` into lines of at most `maxChars` characters at spaces; a word longer than a
 * line is split. Text that fits stays one line. Used for titles and captions of static
 * figures, which the bitmap font cannot shrink continuously.
 */
export function wrapWords(text: string, maxChars: number): string[] {
  const limit = Math.max(1, Math.floor(maxChars));
  if (text.length <= limit) return [text];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    let rest = word;
    while (rest.length > 0) {
      const room = line.length === 0 ? limit : limit - line.length - 1;
      if (rest.length <= room) {
        line = line.length === 0 ? rest : `${line} ${rest}`;
        rest = '';
      } else if (line.length > 0) {
        lines.push(line);
        line = '';
      } else {
        lines.push(rest.slice(0, limit));
        rest = rest.slice(limit);
      }
    }
  }
  if (line.length > 0) lines.push(line);
  return lines;
}
