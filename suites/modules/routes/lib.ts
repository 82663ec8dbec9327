/** A helper module of the route (TypeScript, imported by a relative path). */
export function greet(name: string): string {
  return `hello, ${name}`;
}
