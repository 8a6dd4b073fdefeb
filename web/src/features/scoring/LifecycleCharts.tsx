import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useFormat } from '../../i18n/format';
import type { Distribution, LifecycleFlows } from './api';
import { Chart, titleStyle } from './Chart';
import { lifecycleStages, stageColors, type LifecycleStage } from './labels';

export const stageLink = (stage: string) => `/customers?lifecycleStage=${stage}`;

/** Customers per lifecycle stage, in the stages' order (prospect first). A stage opens its customers. */
export function LifecycleFunnel({ items }: { items: Distribution['lifecycle'] }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const navigate = useNavigate();
  const total = items.reduce((n, i) => n + i.customers, 0) || 1;
  const data = lifecycleStages.map((stage) => ({
    name: t(`scoring.stages.${stage}`),
    value: items.find((i) => i.value === stage)?.customers ?? 0,
    stage,
    itemStyle: { color: stageColors[stage] },
  }));
  const option = {
    title: { text: t('scoring.lifecycle.funnelTitle'), subtext: t('scoring.lifecycle.funnelSubtitle'), ...titleStyle },
    legend: { orient: 'vertical', right: 0, top: 'middle' },
    tooltip: {
      trigger: 'item',
      formatter: (p: { name: string; value: number }) =>
        `${p.name}: ${fmt.number(p.value)} (${fmt.percent(p.value / total)})`,
    },
    series: [
      {
        type: 'funnel',
        name: t('scoring.lifecycle.funnelTitle'),
        // the stages in their order, widths by customers: not a conversion funnel, so not sorted
        sort: 'none',
        left: 16,
        right: 140,
        top: 64,
        bottom: 16,
        minSize: '24%',
        gap: 3,
        label: {
          show: true,
          position: 'inside',
          formatter: (p: { name: string; value: number }) => `${p.name} ${fmt.number(p.value)}`,
          color: '#fff',
          textBorderColor: 'rgba(0,0,0,0.35)',
          textBorderWidth: 2,
        },
        data,
        cursor: 'pointer',
      },
    ],
  };
  return (
    <Chart
      option={option}
      height={360}
      testId="lifecycle-funnel"
      onClick={(e) => {
        const stage = (e.data as { stage?: string } | undefined)?.stage;
        if (stage) void navigate(stageLink(stage));
      }}
    />
  );
}

/** The customers entering each stage, month by month (stacked bars). */
export function LifecycleMonthlyBars({ flows, months }: { flows: LifecycleFlows['items']; months: string[] }) {
  const { t } = useTranslation();
  const option = {
    title: {
      text: t('scoring.lifecycle.monthlyTitle'),
      subtext: t('scoring.lifecycle.monthlySubtitle'),
      ...titleStyle,
    },
    legend: { bottom: 0 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 16, top: 72, bottom: 64, containLabel: true },
    xAxis: { type: 'category', data: months, name: t('scoring.lifecycle.month'), nameLocation: 'middle', nameGap: 30 },
    yAxis: { type: 'value', minInterval: 1, name: t('scoring.classes.customers') },
    series: lifecycleStages.map((stage) => ({
      type: 'bar',
      stack: 'to',
      name: t(`scoring.stages.${stage}`),
      itemStyle: { color: stageColors[stage] },
      barMaxWidth: 36,
      data: months.map((m) =>
        flows.filter((f) => f.month === m && f.to === stage).reduce((n, f) => n + f.customers, 0),
      ),
    })),
  };
  return <Chart option={option} height={380} testId="lifecycle-monthly" />;
}

/** How many customers moved from which stage to which in one month (a Sankey diagram). */
export function LifecycleSankey({ flows, month }: { flows: LifecycleFlows['items']; month: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const rows = flows.filter((f) => f.month === month && f.customers > 0);
  // a stage appears twice, as a source on the left and a target on the right (Sankey needs no cycles)
  const fromName = (s: LifecycleStage | null) =>
    s ? `${t(`scoring.stages.${s}`)} ${t('scoring.lifecycle.before')}` : t('scoring.lifecycle.firstScored');
  const toName = (s: LifecycleStage) => `${t(`scoring.stages.${s}`)} ${t('scoring.lifecycle.after')}`;
  const nodes = new Map<string, string>();
  for (const f of rows) {
    nodes.set(fromName(f.from), f.from ? stageColors[f.from] : '#d9d9d9');
    nodes.set(toName(f.to), stageColors[f.to]);
  }
  const option = {
    title: {
      text: t('scoring.lifecycle.sankeyTitle', { month }),
      subtext: t('scoring.lifecycle.sankeySubtitle'),
      ...titleStyle,
    },
    tooltip: {
      trigger: 'item',
      formatter: (p: {
        dataType: string;
        data: { source?: string; target?: string; value?: number };
        name: string;
        value: number;
      }) =>
        p.dataType === 'edge'
          ? `${p.data.source} → ${p.data.target}: ${fmt.number(p.data.value ?? 0)}`
          : `${p.name}: ${fmt.number(p.value)}`,
    },
    series: [
      {
        type: 'sankey',
        top: 64,
        bottom: 8,
        left: 8,
        right: 120,
        nodeAlign: 'justify',
        emphasis: { focus: 'adjacency' },
        lineStyle: { color: 'gradient', opacity: 0.35 },
        label: { color: '#333' },
        data: [...nodes].map(([name, color]) => ({ name, itemStyle: { color } })),
        links: rows.map((f) => ({ source: fromName(f.from), target: toName(f.to), value: f.customers })),
      },
    ],
  };
  return <Chart option={option} height={380} testId="lifecycle-sankey" />;
}
