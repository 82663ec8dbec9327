/**
 * What a target printed, kept so that a case can be given the lines printed while it was in flight:
 * a bounded window of the text, and a running count that serves as a cursor into it.
 */

/** How much of a target's output is kept. */
const OUTPUT_LOG_CHARS = 64 * 1024;
/** The most of that output one case's observation keeps. */
export const CASE_OUTPUT_CHARS = 4096;

/** A target's output: append as it comes, mark a cursor when a case starts, read what came after. */
export class OutputLog {
  private text = '';
  private written = 0;

  /** Adds what the target wrote. */
  append(text: string): void {
    this.text = (this.text + text).slice(-OUTPUT_LOG_CHARS);
    this.written += text.length;
  }

  /** How much has been written so far: a mark for since(). */
  cursor(): number {
    return this.written;
  }

  /** What was written after `cursor`, at most CASE_OUTPUT_CHARS (the latest kept when more). */
  since(cursor: number): string {
    const text = this.text.slice(Math.max(0, this.text.length - (this.written - cursor)));
    return text.length > CASE_OUTPUT_CHARS ? `…${text.slice(-CASE_OUTPUT_CHARS)}` : text;
  }

  /** The last `chars` characters written. */
  tail(chars: number): string {
    return this.text.slice(-chars);
  }
}
