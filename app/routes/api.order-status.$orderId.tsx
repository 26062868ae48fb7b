import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { z } from "zod";
import { prisma } from "../db.server";
import { authenticate } from "../shopify.server";
import { getOrderMarketplaceStatus } from "../sync/fulfillment/order-status.server";

const OrderId = z.union([z.string().regex(/^\d+$/), z.string().regex(/^gid:\/\/shopify\/Order\/\d+$/)]);

/**
 * The order page's admin block (extensions/order-status-block) reads the marketplace side of one
 * order here. Admin extensions call the app's backend with a session token: `authenticate.admin`
 * verifies it and `cors` adds the headers the admin's origin needs (preflights are answered inside
 * `authenticate.admin`).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { session, cors } = await authenticate.admin(request);
  const id = OrderId.safeParse(params.orderId ?? "");
  if (!id.success) return cors(json({ error: "Unknown order id" }, { status: 400 }));
  const gid = id.data.startsWith("gid://") ? id.data : `gid://shopify/Order/${id.data}`;
  return cors(json(await getOrderMarketplaceStatus(prisma, session.shop, gid)));
}

/** OPTIONS preflights reach the action in Remix; `authenticate.admin` answers them. */
export async function action({ request }: ActionFunctionArgs) {
  const { cors } = await authenticate.admin(request);
  return cors(json({ error: "Method not allowed" }, { status: 405 }));
}
