import EChartsReactCore from 'echarts-for-react/esm/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useTranslation } from 'react-i18next';
import type { TouchpointActivity } from './api';

// Only the pieces this chart draws, so the bundle carries no unused chart types.
echarts.use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

/** Activity per day at one touchpoint (days in the business time zone, as the server counted them). */
export function ActivityChart({ days, height = 260 }: { days: TouchpointActivity['days']; height?: number }) {
  const { t } = useTranslation();
  const option = {
    animation: false,
    grid: { left: 40, right: 16, top: 16, bottom: 28 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: {
      type: 'category',
      data: days.map((d) => d.date),
      axisLabel: { formatter: (v: string) => v.slice(5) },
      axisTick: { alignWithLabel: true },
    },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        type: 'bar',
        name: t('touchpoints.chart.series'),
        data: days.map((d) => d.count),
        itemStyle: { color: '#1677ff', borderRadius: [3, 3, 0, 0] },
        barMaxWidth: 24,
      },
    ],
  };
  return (
    <div data-testid="touchpoint-chart">
      <EChartsReactCore echarts={echarts} option={option} notMerge style={{ height, width: '100%' }} />
    </div>
  );
}
