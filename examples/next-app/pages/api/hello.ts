// An Edge API Route (pages router): a default-export handler, `runtime: 'edge'` in its config.
import { json } from '../../lib/http';

export const config = { runtime: 'edge' };

export default function handler(request: Request): Response {
  const name = new URL(request.url).searchParams.get('name') ?? 'world';
  return json({ message: `Hello, ${name}!` });
}
