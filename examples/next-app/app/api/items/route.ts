// A route handler (app router): one named export per HTTP method, on the edge runtime.
import { json } from '../../../lib/http';
import { ITEMS, parseNewItem } from '../../../lib/items';

export const runtime = 'edge';

/** The catalogue, or the items whose name contains `?q=`. */
export function GET(request: Request): Response {
  const query = new URL(request.url).searchParams.get('q')?.toLowerCase();
  const items = query ? ITEMS.filter((item) => item.name.toLowerCase().includes(query)) : ITEMS;
  return json({ items });
}

/** Validates a new item and answers 201 with it (an app would store it). */
export async function POST(request: Request): Promise<Response> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return json({ error: 'the body is not JSON' }, { status: 400 });
  }
  const item = parseNewItem(body);
  if ('error' in item) return json(item, { status: 400 });
  return json({ item }, { status: 201, headers: { location: `/api/items/${item.id}` } });
}
