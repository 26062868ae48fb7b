import { Link, useNavigation } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { useEffect, type ReactNode } from "react";
import { navLinks } from "./nav-links";
import { AppBridgeToastProvider } from "./toast";

/** The shell inside the Shopify admin: App Bridge draws the navigation, toasts and loading bar. */
export function EmbeddedShell({ apiKey, children }: { apiKey: string; children: ReactNode }) {
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  useEffect(() => {
    shopify.loading(busy);
  }, [busy]);
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey}>
      <NavMenu>
        {navLinks.map((link, index) => (
          <Link key={link.url} to={link.url} rel={index === 0 ? "home" : undefined}>
            {link.label}
          </Link>
        ))}
      </NavMenu>
      <AppBridgeToastProvider>{children}</AppBridgeToastProvider>
    </AppProvider>
  );
}
