/**
 * The app's navigation, shared by the admin's NavMenu and the demo shell's sidebar. Each flow adds
 * its page here (Orders, Inventory, SKU mapping, Carriers) when its route lands.
 */
export interface NavLink {
  label: string;
  url: string;
}

export const navLinks: NavLink[] = [
  { label: "Home", url: "/app" },
  { label: "Settings", url: "/app/settings" },
];
