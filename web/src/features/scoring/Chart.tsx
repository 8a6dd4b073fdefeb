import EChartsReactCore from 'echarts-for-react/esm/core';
import { BarChart, FunnelChart, LineChart, SankeyChart, ScatterChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useTranslation } from 'react-i18next';

// Only the pieces the scoring charts draw, so the bundle carries no unused chart types.
echarts.use([
  BarChart,
  FunnelChart,
  LineChart,
  SankeyChart,
  ScatterChart,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

/** What a click on a chart element tells the page (the series' data item and its name). */
export type ChartClick = { name?: string; seriesName?: string; data?: unknown; dataIndex?: number };

/** ¥12万 / ¥120K: money on an axis, short enough not to collide with its neighbours. */
export function useCompactMoney() {
  const { i18n } = useTranslation();
  const compact = new Intl.NumberFormat(i18n.language, { notation: 'compact', maximumFractionDigits: 1 });
  return (v: number) => `¥${compact.format(v)}`;
}

export const titleStyle = { left: 0, top: 0, textStyle: { fontSize: 14, fontWeight: 600 } };

/** One scoring chart: an echarts option, a test id and, optionally, what a click does. */
export function Chart({
  option,
  height = 320,
  testId,
  onClick,
}: {
  option: Record<string, unknown>;
  height?: number;
  testId: string;
  onClick?: (e: ChartClick) => void;
}) {
  return (
    <div data-testid={testId}>
      <EChartsReactCore
        echarts={echarts}
        option={{ animation: false, ...option }}
        notMerge
        style={{ height, width: '100%' }}
        onEvents={onClick ? { click: (e: ChartClick) => onClick(e) } : undefined}
      />
    </div>
  );
}
