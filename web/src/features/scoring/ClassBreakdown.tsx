import { useState } from 'react';
import { Segmented, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useFormat } from '../../i18n/format';
import { num, type RfmMatrix } from './api';
import { Chart, titleStyle, useCompactMoney } from './Chart';
import { rfmClasses, rfmSegments } from './labels';

type Scheme = 'classes' | 'segments';
type Row = { code: string; name: string; customers: number; revenue: number };

/**
 * Customers and revenue per RFM class, in either naming scheme (the Chinese eight or the English
 * eleven): a bar chart and a table. A bar or a row opens those customers.
 */
export function ClassBreakdown({ matrix }: { matrix: RfmMatrix }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const navigate = useNavigate();
  const compactMoney = useCompactMoney();
  const [scheme, setScheme] = useState<Scheme>('classes');
  const codes: readonly string[] = scheme === 'classes' ? rfmClasses : rfmSegments;
  const source: { code: string; customers: number; revenue: string | number }[] =
    scheme === 'classes' ? matrix.classes : matrix.segments;
  const prefix = scheme === 'classes' ? 'scoring.rfmClasses' : 'scoring.rfmSegments';
  const filter = scheme === 'classes' ? 'rfmClass' : 'rfmSegment';
  const rows: Row[] = codes.map((code) => {
    const found = source.find((s) => s.code === code);
    return { code, name: t(`${prefix}.${code}`), customers: found?.customers ?? 0, revenue: num(found?.revenue) };
  });
  const totalCustomers = rows.reduce((n, r) => n + r.customers, 0) || 1;
  const totalRevenue = rows.reduce((n, r) => n + r.revenue, 0) || 1;
  const open = (code: string) => void navigate(`/customers?${filter}=${code}`);
  // best class on top: the category axis draws its first item at the bottom
  const shown = [...rows].reverse();
  const option = {
    title: {
      text: t(scheme === 'classes' ? 'scoring.classes.titleClasses' : 'scoring.classes.titleSegments'),
      ...titleStyle,
    },
    legend: { bottom: 0 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 24, top: 64, bottom: 56, containLabel: true },
    xAxis: [
      {
        type: 'value',
        name: t('scoring.classes.customers'),
        minInterval: 1,
        position: 'bottom',
        nameLocation: 'middle',
        nameGap: 24,
      },
      {
        type: 'value',
        name: t('scoring.classes.revenue'),
        position: 'top',
        nameLocation: 'middle',
        nameGap: 24,
        splitLine: { show: false },
        axisLabel: { formatter: compactMoney },
      },
    ],
    yAxis: { type: 'category', data: shown.map((r) => r.name), axisTick: { alignWithLabel: true } },
    series: [
      {
        type: 'bar',
        name: t('scoring.classes.customers'),
        xAxisIndex: 0,
        data: shown.map((r) => r.customers),
        itemStyle: { color: '#1677ff' },
        barMaxWidth: 12,
        cursor: 'pointer',
      },
      {
        type: 'bar',
        name: t('scoring.classes.revenue'),
        xAxisIndex: 1,
        data: shown.map((r) => r.revenue),
        itemStyle: { color: '#faad14' },
        barMaxWidth: 12,
        tooltip: { valueFormatter: (v: number) => fmt.money(v) },
        cursor: 'pointer',
      },
    ],
  };
  return (
    <>
      <Segmented
        size="small"
        value={scheme}
        onChange={(v) => setScheme(v as Scheme)}
        options={[
          { value: 'classes', label: t('scoring.classes.schemeClasses') },
          { value: 'segments', label: t('scoring.classes.schemeSegments') },
        ]}
        style={{ marginBottom: 8 }}
        data-testid="rfm-scheme"
      />
      <Chart
        option={option}
        height={scheme === 'classes' ? 340 : 420}
        testId={`rfm-${scheme}-chart`}
        onClick={(e) => {
          const row = shown[e.dataIndex ?? -1];
          if (row) open(row.code);
        }}
      />
      <Table<Row>
        size="small"
        rowKey="code"
        pagination={false}
        dataSource={rows}
        style={{ marginTop: 8 }}
        data-testid={`rfm-${scheme}-table`}
        columns={[
          {
            title: t(scheme === 'classes' ? 'scoring.fields.rfmClass' : 'scoring.fields.rfmSegment'),
            dataIndex: 'name',
            render: (name: string, r) => (
              <a onClick={() => open(r.code)} data-testid={`rfm-class-${r.code}`}>
                {name}
              </a>
            ),
          },
          {
            title: t('scoring.classes.customers'),
            dataIndex: 'customers',
            align: 'right',
            render: (n: number) => `${fmt.number(n)} (${fmt.percent(n / totalCustomers)})`,
          },
          {
            title: t('scoring.classes.revenue'),
            dataIndex: 'revenue',
            align: 'right',
            render: (n: number) => `${fmt.money(n)} (${fmt.percent(n / totalRevenue)})`,
          },
        ]}
      />
    </>
  );
}
