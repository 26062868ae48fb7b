import { useLocation, useNavigation } from "@remix-run/react";
import { AppProvider, Frame, Loading, Navigation } from "@shopify/polaris";
import enTranslations from "@shopify/polaris/locales/en.json";
import type { ReactNode } from "react";
import { navLinks } from "./nav-links";
import { RemixPolarisLink } from "./remix-polaris-link";
import { PolarisToastProvider } from "./toast";

/**
 * The shell for demo mode: plain Polaris in an ordinary browser tab, with a sidebar standing in for
 * the admin's app navigation (App Bridge's NavMenu draws nothing outside the admin).
 */
export function DemoShell({ shop, children }: { shop: string; children: ReactNode }) {
  const { pathname } = useLocation();
  const busy = useNavigation().state !== "idle";
  const navigation = (
    <Navigation location={pathname}>
      <Navigation.Section
        title={`Demo: ${shop}`}
        items={navLinks.map((link) => ({
          url: link.url,
          label: link.label,
          exactMatch: link.url === "/app",
        }))}
      />
    </Navigation>
  );
  return (
    <AppProvider i18n={enTranslations} linkComponent={RemixPolarisLink}>
      <Frame navigation={navigation}>
        {busy ? <Loading /> : null}
        <PolarisToastProvider>{children}</PolarisToastProvider>
      </Frame>
    </AppProvider>
  );
}
