/**
 * The slice of @shopify/ui-extensions-react this block uses, declared for the app's root
 * typecheck: the package is the extension's own dependency (package.json beside it), installed
 * when the Shopify CLI builds the extension, not in the app's node_modules.
 */
declare module "@shopify/ui-extensions-react/admin" {
  import type { ReactElement, ReactNode } from "react";
  type Children = { children?: ReactNode };
  type Tone = "info" | "success" | "warning" | "critical" | "auto";
  export function reactExtension(target: "admin.order-details.block.render", render: () => ReactElement): unknown;
  export function useApi(target: "admin.order-details.block.render"): { data: { selected: { id: string }[] } };
  export function AdminBlock(props: Children & { title?: string }): ReactElement;
  export function BlockStack(props: Children & { gap?: boolean | "none" | "small" | "base" | "large" }): ReactElement;
  export function InlineStack(props: Children & { gap?: boolean | "none" | "small" | "base" | "large"; blockAlignment?: "start" | "center" | "end" }): ReactElement;
  export function Text(props: Children & { fontWeight?: "bold" | "normal"; fontStyle?: "italic" | "normal" }): ReactElement;
  export function Badge(props: Children & { tone?: Tone }): ReactElement;
  export function Banner(props: Children & { tone?: Tone; title?: string }): ReactElement;
  export function ProgressIndicator(props: { size: "small-200" | "small-100" | "base" }): ReactElement;
}
