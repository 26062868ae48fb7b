import { BlockStack, InlineStack, Text } from "@shopify/polaris";
import { plural } from "../../lib/plural";

/** One hour of the last day, as the inventory overview reports it. */
export interface PushChartHour {
  hour: string;
  pushes: number;
  p95Ms: number | null;
  peakPerMinute: number;
}

/**
 * The last 24 hours of stock pushes: bars are the busiest minute's requests against the account's
 * per-minute limit (budget use), the line is the p95 push latency. Plain SVG: Polaris has no chart.
 */
export function PushChart({ hours, limitPerMinute, now }: { hours: PushChartHour[]; limitPerMinute: number; now: string }) {
  const width = 720;
  const height = 180;
  const pad = { left: 36, right: 44, top: 10, bottom: 22 };
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const end = new Date(now);
  end.setUTCMinutes(0, 0, 0);
  const slots = Array.from({ length: 24 }, (_, i) => new Date(end.getTime() - (23 - i) * 3600_000).toISOString());
  const byHour = new Map(hours.map((h) => [new Date(h.hour).toISOString(), h]));
  const slotW = innerW / 24;
  const maxLatency = Math.max(1000, ...hours.map((h) => h.p95Ms ?? 0));
  const points = slots
    .map((slot, i) => {
      const h = byHour.get(slot);
      if (!h || h.p95Ms == null) return null;
      return `${pad.left + i * slotW + slotW / 2},${pad.top + innerH - (h.p95Ms / maxLatency) * innerH}`;
    })
    .filter((p): p is string => p !== null);

  return (
    <BlockStack gap="200">
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label="Stock push budget use and latency, last 24 hours">
        <line x1={pad.left} y1={pad.top} x2={pad.left + innerW} y2={pad.top} stroke="#d82c0d" strokeDasharray="4 3" />
        <text x={pad.left - 4} y={pad.top + 4} fontSize="10" textAnchor="end" fill="#6d7175">{limitPerMinute}</text>
        <text x={pad.left - 4} y={pad.top + innerH} fontSize="10" textAnchor="end" fill="#6d7175">0</text>
        <text x={pad.left + innerW + 4} y={pad.top + 4} fontSize="10" fill="#2c6ecb">{Math.round(maxLatency / 100) / 10} s</text>
        {slots.map((slot, i) => {
          const h = byHour.get(slot);
          const used = Math.min(1, (h?.peakPerMinute ?? 0) / limitPerMinute);
          return (
            <g key={slot}>
              <rect
                x={pad.left + i * slotW + 2}
                y={pad.top + innerH - used * innerH}
                width={slotW - 4}
                height={used * innerH}
                fill="#95c9b4"
              >
                <title>{`${slot.slice(11, 16)} UTC: ${plural(h?.pushes ?? 0, "push", "pushes")}, busiest minute ${h?.peakPerMinute ?? 0}/${limitPerMinute}, p95 ${h?.p95Ms ?? "-"} ms`}</title>
              </rect>
              {i % 3 === 0 ? (
                <text x={pad.left + i * slotW + slotW / 2} y={height - 6} fontSize="10" textAnchor="middle" fill="#6d7175">
                  {slot.slice(11, 16)}
                </text>
              ) : null}
            </g>
          );
        })}
        {points.length > 1 ? <polyline points={points.join(" ")} fill="none" stroke="#2c6ecb" strokeWidth="2" /> : null}
        {points.map((p) => {
          const [x, y] = p.split(",");
          return <circle key={p} cx={x} cy={y} r="3" fill="#2c6ecb" />;
        })}
      </svg>
      <InlineStack gap="400">
        <Text as="span" tone="subdued" variant="bodySm">Green bars: busiest minute's stock requests against the limit of {limitPerMinute}/min (dashed)</Text>
        <Text as="span" tone="subdued" variant="bodySm">Blue line: p95 time from a Shopify change to the marketplace accepting it</Text>
      </InlineStack>
    </BlockStack>
  );
}
