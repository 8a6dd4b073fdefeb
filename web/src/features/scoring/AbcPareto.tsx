import { Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useFormat } from '../../i18n/format';
import { num, type AbcReport, type AbcSettings } from './api';
import { Chart, titleStyle } from './Chart';
import { abcClasses, abcColors, type AbcClass } from './labels';

type Row = { class: AbcClass; customers: number; revenue: number; customerShare: number; revenueShare: number };

/** Percent (0–100) from a share that may come as 0–1 or 0–100. */
const pct = (v: number) => (v <= 1 ? v * 100 : v);

/**
 * The Pareto curve: cumulative revenue share against the share of customers (best first), with
 * the A/B/C cut lines; and the classes as a table (a row opens those customers).
 */
export function AbcPareto({ report, settings }: { report: AbcReport; settings?: AbcSettings }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const navigate = useNavigate();
  const totalCustomers = report.classes.reduce((n, c) => n + c.customers, 0) || 1;
  const totalRevenue = report.classes.reduce((n, c) => n + num(c.revenue), 0) || 1;
  const rows: Row[] = abcClasses.map((cls) => {
    const c = report.classes.find((x) => x.class === cls);
    return {
      class: cls,
      customers: c?.customers ?? 0,
      revenue: num(c?.revenue),
      customerShare: (c?.customers ?? 0) / totalCustomers,
      revenueShare: num(c?.revenue) / totalRevenue,
    };
  });
  const a = settings?.a ?? 80;
  const b = settings?.b ?? 15;
  // where the classes end along the customer axis
  const aEnd = rows[0].customerShare * 100;
  const bEnd = aEnd + rows[1].customerShare * 100;
  const curve = report.curve.map((p) => [pct(p.customerShare), pct(p.revenueShare)]);
  const pctLabel = (v: number) => `${Math.round(v)}%`;
  const option = {
    title: { text: t('scoring.abc.title'), subtext: t('scoring.abc.subtitle'), ...titleStyle },
    legend: { bottom: 0 },
    tooltip: {
      trigger: 'axis',
      formatter: (ps: { data: number[] }[]) => {
        const p = ps[0]?.data;
        if (!p) return '';
        return t('scoring.abc.tooltip', { customers: pctLabel(p[0]), revenue: pctLabel(p[1]) });
      },
    },
    grid: { left: 56, right: 24, top: 64, bottom: 72 },
    xAxis: {
      type: 'value',
      min: 0,
      max: 100,
      name: t('scoring.abc.xAxis'),
      nameLocation: 'middle',
      nameGap: 28,
      axisLabel: { formatter: pctLabel },
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: 100,
      name: t('scoring.abc.yAxis'),
      nameLocation: 'middle',
      nameGap: 40,
      axisLabel: { formatter: pctLabel },
    },
    series: [
      {
        type: 'line',
        name: t('scoring.abc.curve'),
        data: curve,
        showSymbol: false,
        smooth: false,
        lineStyle: { width: 2, color: '#1677ff' },
        itemStyle: { color: '#1677ff' },
        areaStyle: { opacity: 0.08 },
        markLine: {
          silent: true,
          symbol: 'none',
          lineStyle: { type: 'dashed', color: '#8c8c8c' },
          label: { formatter: '{b}' },
          data: [
            { name: t('scoring.abc.cutA', { percent: a }), yAxis: a, label: { position: 'insideEndBottom' } },
            { name: t('scoring.abc.cutB', { percent: a + b }), yAxis: a + b, label: { position: 'insideEndBottom' } },
            ...(report.curve.length
              ? [
                  { name: 'A | B', xAxis: aEnd, label: { position: 'end' } },
                  { name: 'B | C', xAxis: bEnd, label: { position: 'end' } },
                ]
              : []),
          ],
        },
      },
      {
        type: 'line',
        name: t('scoring.abc.even'),
        data: [
          [0, 0],
          [100, 100],
        ],
        showSymbol: false,
        silent: true,
        lineStyle: { type: 'dotted', color: '#bfbfbf' },
        itemStyle: { color: '#bfbfbf' },
        tooltip: { show: false },
      },
    ],
  };
  return (
    <>
      <Chart option={option} height={380} testId="abc-pareto" />
      <Table<Row>
        size="small"
        rowKey="class"
        pagination={false}
        dataSource={rows}
        data-testid="abc-table"
        columns={[
          {
            title: t('scoring.fields.abcClass'),
            dataIndex: 'class',
            render: (c: AbcClass) => (
              <a onClick={() => void navigate(`/customers?abcClass=${c}`)} data-testid={`abc-class-${c}`}>
                <Tag color={abcColors[c]}>{c}</Tag>
                {t(`scoring.abcClasses.${c}`)}
              </a>
            ),
          },
          {
            title: t('scoring.classes.customers'),
            dataIndex: 'customers',
            align: 'right',
            render: (n: number, r) => `${fmt.number(n)} (${fmt.percent(r.customerShare)})`,
          },
          {
            title: t('scoring.classes.revenue'),
            dataIndex: 'revenue',
            align: 'right',
            render: (n: number, r) => `${fmt.money(n)} (${fmt.percent(r.revenueShare)})`,
          },
        ]}
      />
    </>
  );
}
