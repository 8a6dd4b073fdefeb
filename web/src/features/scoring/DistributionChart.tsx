import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useFormat } from '../../i18n/format';
import { Chart, titleStyle } from './Chart';

/**
 * Customers per value of one model (value tiers, grades), as bars in the model's order. A bar
 * opens the customer list filtered by that value.
 */
export function DistributionChart({
  title,
  codes,
  labelPrefix,
  items,
  filter,
  colors,
  testId,
}: {
  title: string;
  codes: readonly string[];
  labelPrefix: string;
  items: { value: string; customers: number }[];
  filter: string;
  colors: string[];
  testId: string;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const navigate = useNavigate();
  const data = codes.map((code) => items.find((i) => i.value === code)?.customers ?? 0);
  const total = data.reduce((n, v) => n + v, 0) || 1;
  const option = {
    title: { text: title, ...titleStyle },
    legend: { bottom: 0 },
    tooltip: { trigger: 'item' },
    grid: { left: 8, right: 16, top: 56, bottom: 32, containLabel: true },
    xAxis: {
      type: 'category',
      data: codes.map((c) => t(`${labelPrefix}.${c}`)),
      axisTick: { alignWithLabel: true },
    },
    yAxis: { type: 'value', minInterval: 1, name: t('scoring.classes.customers') },
    // one series per value, stacked on one another, so the legend names each colour
    series: codes.map((code, i) => ({
      type: 'bar',
      name: t(`${labelPrefix}.${code}`),
      stack: 'all',
      data: data.map((v, j) => (j === i ? v : null)),
      itemStyle: { color: colors[i % colors.length] },
      barMaxWidth: 48,
      label: {
        show: true,
        position: 'top',
        formatter: (p: { value: number }) => `${fmt.number(p.value)} · ${fmt.percent(p.value / total)}`,
      },
      cursor: 'pointer',
    })),
  };
  return (
    <Chart
      option={option}
      height={300}
      testId={testId}
      onClick={(e) => {
        const code = codes[e.dataIndex ?? -1];
        if (code) void navigate(`/customers?${filter}=${code}`);
      }}
    />
  );
}
