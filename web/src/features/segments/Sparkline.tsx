import { useSizes } from './api';

/** A tiny line of a segment's size over its recorded days (no axes: the detail page has the chart). */
export function Sparkline({
  segmentId,
  width = 96,
  height = 24,
}: {
  segmentId: string;
  width?: number;
  height?: number;
}) {
  const sizes = useSizes(segmentId);
  const points = (sizes.data ?? []).slice(-60);
  if (points.length < 2) return <span style={{ color: '#bbb' }}>—</span>;
  const max = Math.max(...points.map((p) => p.size));
  const min = Math.min(...points.map((p) => p.size));
  const span = max - min || 1;
  const d = points
    .map((p, i) => {
      const x = (i / (points.length - 1)) * (width - 2) + 1;
      const y = height - 1 - ((p.size - min) / span) * (height - 2);
      return `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
  return (
    <svg width={width} height={height} aria-hidden data-testid={`sparkline-${segmentId}`}>
      <path d={d} fill="none" stroke="#1677ff" strokeWidth={1.5} />
    </svg>
  );
}
