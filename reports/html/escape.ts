/**
 * Escaping for the HTML report: text and attribute values in markup, the JSON data block, and which
 * links may be links. Everything a case or a runtime says goes through one of these.
 */

/** C0 controls other than tab, newline and carriage return, and DEL: never meaningful in a report. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escape a string for HTML text or a quoted attribute value: `& < > " '` become entities and
 * control characters become U+FFFD, so the result can never open a tag or leave an attribute.
 */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(CONTROL, '\uFFFD')
    .replace(/[&<>"']/g, (ch) => ENTITIES[ch]);
}

/**
 * Serialise data for a `<script type="application/json">` block. `<`, `>` and `&` are written as
 * \u escapes so the text can contain neither `</script` nor `<!--`; U+2028 and U+2029 are escaped
 * too. JSON.parse gives back exactly the original value.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Whether a case's `source` may become a link: only absolute http(s) URLs (never javascript:). */
export function isSafeUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:';
  } catch {
    return false;
  }
}
