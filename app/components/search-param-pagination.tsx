import { Box, Pagination } from "@shopify/polaris";
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
