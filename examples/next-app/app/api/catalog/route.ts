// The old address of the catalogue: a permanent redirect to /api/items, keeping the query.
export const runtime = 'edge';

export function GET(request: Request): Response {
  const from = new URL(request.url);
  return Response.redirect(new URL(`/api/items${from.search}`, from), 308);
}
