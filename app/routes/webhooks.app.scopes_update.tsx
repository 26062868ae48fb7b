import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";
import { updateSessionScopes } from "../sync/shop-lifecycle/update-scopes.server";
import { ScopesUpdate } from "../sync/webhooks/webhook-payloads";

/** app/scopes_update: keep the stored offline session's scopes in line with what was granted. */
export async function action({ request }: ActionFunctionArgs) {
  const { payload, session } = await authenticate.webhook(request);
  const parsed = ScopesUpdate.safeParse(payload);
  if (!parsed.success) return new Response("Unexpected app/scopes_update payload", { status: 400 });
  // No session: the app was uninstalled meanwhile; nothing to update.
  if (session) await updateSessionScopes(session.id, parsed.data.current);
  return new Response(null, { status: 200 });
}
