import { Box, Pagination, TextField } from "@shopify/polaris";
import { useSearchParams } from "@remix-run/react";

/** Previous/next under a paged table, kept in the URL's `page` parameter so a reload stays put. */
export function SearchParamPagination({ page, pageCount }: { page: number; pageCount: number }) {
  const [, setParams] = useSearchParams();
  const go = (to: number) => setParams((p) => (p.set("page", String(to)), p));
  return (
    <Box padding="300">
      <Pagination
        hasPrevious={page > 1}
        hasNext={page < pageCount}
        onPrevious={() => go(page - 1)}
        onNext={() => go(page + 1)}
        label={`Page ${page} of ${pageCount}`}
      />
    </Box>
  );
}

/** A search box kept in the URL's `q` parameter; a new search starts again at page 1. */
export function SearchParamField({ label, placeholder }: { label: string; placeholder: string }) {
  const [params, setParams] = useSearchParams();
  return (
    <TextField
      label={label}
      labelHidden
      placeholder={placeholder}
      autoComplete="off"
      value={params.get("q") ?? ""}
      onChange={(q) => setParams((p) => (p.set("q", q), p.set("page", "1"), p), { replace: true })}
    />
  );
}
