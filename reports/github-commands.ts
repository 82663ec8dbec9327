/**
 * GitHub Actions workflow commands (`::error file=...,line=...,title=...::message`): the escaping
 * GitHub's toolkit applies, shared by `check`'s annotations and the run's gate annotations.
 */

/** Escapes a workflow command's data (the message). */
function escapeCommandData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

/** Escapes a workflow command's property value (file, title). */
function escapeCommandProperty(text: string): string {
  return escapeCommandData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

/** One `::error` line; `line` is left out when unknown. */
export function errorCommand(props: { file: string; line?: number; col?: number; title: string }, message: string): string {
  const where = [`file=${escapeCommandProperty(props.file)}`, props.line ? `line=${props.line}` : '', props.col ? `col=${props.col}` : ''].filter(Boolean).join(',');
  return `::error ${where},title=${escapeCommandProperty(props.title)}::${escapeCommandData(message)}`;
}
