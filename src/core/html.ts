/** Text into HTML: the one escaping function of the course (tables, feedback, progress bars, the site). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
