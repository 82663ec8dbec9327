// Responses the routes share: JSON with a request id, so that a log line can be found from a response.
import { nanoid } from 'nanoid';

/** A JSON response carrying a fresh `x-request-id` (12 URL-safe characters). */
export function json(data: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set('x-request-id', nanoid(12));
  return Response.json(data, { ...init, headers });
}
