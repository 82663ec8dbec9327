// The quotes the Worker serves, and how one is picked for a day.

/** One quote. */
export interface Quote {
  id: number;
  text: string;
  author: string;
}

export const QUOTES: Quote[] = [
  { id: 1, text: 'Simplicity is prerequisite for reliability.', author: 'Edsger W. Dijkstra' },
  { id: 2, text: 'Make it work, make it right, make it fast.', author: 'Kent Beck' },
  { id: 3, text: 'Premature optimization is the root of all evil.', author: 'Donald Knuth' },
];

/** The quote of a day (YYYY-MM-DD): the same all day, another the next day. */
export function quoteOfTheDay(day: string): Quote {
  const n = [...day].reduce((sum, c) => sum + c.charCodeAt(0), 0);
  return QUOTES[n % QUOTES.length];
}
