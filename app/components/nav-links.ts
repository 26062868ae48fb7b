/**
 * The app's navigation, shared by the admin's NavMenu and the demo shell's sidebar. Each flow adds
 * its page here when its route lands.
 */
export interface NavLink {
  label: string;
  url: string;
}

export const navLinks: NavLink[] = [
  { label: "Home", url: "/app" },
  { label: "Orders", url: "/app/orders" },
  { label: "Dispatches", url: "/app/dispatches" },
  { label: "Inventory", url: "/app/inventory" },
  { label: "SKU mapping", url: "/app/mappings/skus" },
  { label: "Carriers", url: "/app/mappings/carriers" },
  { label: "Settings", url: "/app/settings" },
];
