import EChartsReactCore from 'echarts-for-react/esm/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { Empty, Skeleton } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSizes } from './api';

// Only the pieces this chart draws, so the bundle carries no unused chart types.
echarts.use([LineChart, GridComponent, TooltipComponent, CanvasRenderer]);

/** Members per day (the last refresh of each business day). */
export function SizeChart({ segmentId, height = 300 }: { segmentId: string; height?: number }) {
  const { t } = useTranslation();
  const sizes = useSizes(segmentId);
  if (sizes.isLoading) return <Skeleton active />;
  const days = sizes.data ?? [];
  if (!days.length) return <Empty description={t('segments.sizes.empty')} data-testid="size-chart-empty" />;
  const option = {
    animation: false,
    grid: { left: 48, right: 16, top: 16, bottom: 28 },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: days.map((d) => d.day), boundaryGap: false },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      {
        type: 'line',
        name: t('segments.sizes.series'),
        data: days.map((d) => d.size),
        showSymbol: days.length < 40,
        areaStyle: { opacity: 0.12 },
        itemStyle: { color: '#1677ff' },
      },
    ],
  };
  return (
    <div data-testid="size-chart">
      <EChartsReactCore echarts={echarts} option={option} notMerge style={{ height, width: '100%' }} />
    </div>
  );
}
