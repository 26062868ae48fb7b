import { Link } from "@remix-run/react";
import type { AppProviderProps } from "@shopify/polaris";
import type { ComponentProps } from "react";

type LinkLikeProps = ComponentProps<NonNullable<AppProviderProps["linkComponent"]>>;

/** Lets Polaris links (`url` props) navigate with Remix instead of reloading the document. */
export function RemixPolarisLink({ url, children, external, className, id, onClick }: LinkLikeProps) {
  if (external) {
    return (
      <a href={url} target="_blank" rel="noopener noreferrer" className={className} id={id}>
        {children}
      </a>
    );
  }
  return (
    <Link to={url} className={className} id={id} onClick={onClick}>
      {children}
    </Link>
  );
}
