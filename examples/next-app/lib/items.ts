// The catalogue the API serves, and the validation of a new item.

/** One item of the catalogue. */
export interface Item {
  id: string;
  name: string;
  priceCents: number;
}

/** The catalogue (an app would read it from a database). */
export const ITEMS: Item[] = [
  { id: 'tea', name: 'Green tea', priceCents: 450 },
  { id: 'coffee', name: 'Filter coffee', priceCents: 380 },
  { id: 'cake', name: 'Lemon cake', priceCents: 520 },
];

/** The item a POST body describes, or what is wrong with it. */
export function parseNewItem(body: unknown): Item | { error: string } {
  const { name, priceCents } = (body ?? {}) as Partial<Item>;
  if (typeof name !== 'string' || name.trim() === '') return { error: 'name must be a non-empty string' };
  if (!Number.isInteger(priceCents) || (priceCents as number) < 0) return { error: 'priceCents must be a whole number of cents, 0 or more' };
  const id = name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return { id, name: name.trim(), priceCents: priceCents as number };
}
