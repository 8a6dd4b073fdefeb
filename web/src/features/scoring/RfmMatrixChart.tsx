import { Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useFormat } from '../../i18n/format';
import { num, type RfmMatrix } from './api';
import { Chart, titleStyle } from './Chart';
import { scoreValues } from './labels';

/** The customer list filtered to one cell of the matrix. */
export const cellLink = (r: number, f: number) => `/customers?rScore=${r}&fScore=${f}`;

/**
 * Recency score × frequency score: a bubble per cell, sized by customers and coloured by their
 * average spend. Clicking a bubble (or a number in the table view) opens those customers.
 */
export function RfmMatrixChart({ matrix }: { matrix: RfmMatrix }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const navigate = useNavigate();
  const cells = matrix.cells.filter((c) => c.customers > 0);
  const maxCustomers = Math.max(1, ...cells.map((c) => c.customers));
  const monetary = cells.map((c) => num(c.avgMonetary));
  const minM = monetary.length ? Math.min(...monetary) : 0;
  const maxM = monetary.length ? Math.max(...monetary) : 1;
  const axis = (name: string) => ({
    type: 'category',
    data: scoreValues.map(String),
    name,
    nameLocation: 'middle',
    nameGap: 28,
    splitLine: { show: true, lineStyle: { type: 'dashed' } },
    axisTick: { alignWithLabel: true },
  });
  const option = {
    title: { text: t('scoring.matrix.title'), subtext: t('scoring.matrix.subtitle'), ...titleStyle },
    grid: { left: 56, right: 130, top: 64, bottom: 48 },
    tooltip: {
      formatter: (p: { data: [number, number, number, number] }) => {
        const [r, f, customers, avg] = p.data;
        return t('scoring.matrix.tooltip', {
          r: r + 1,
          f: f + 1,
          customers: fmt.number(customers),
          avg: fmt.money(avg),
        });
      },
    },
    xAxis: axis(t('scoring.matrix.rAxis')),
    yAxis: axis(t('scoring.matrix.fAxis')),
    visualMap: {
      type: 'continuous',
      dimension: 3,
      min: minM,
      max: maxM === minM ? minM + 1 : maxM,
      right: 0,
      top: 'middle',
      itemHeight: 140,
      calculable: false,
      text: [t('scoring.matrix.legendHigh'), t('scoring.matrix.legendLow')],
      formatter: (v: number) => fmt.money(Math.round(v)),
      inRange: { color: ['#bae0ff', '#1677ff', '#002c8c'] },
    },
    series: [
      {
        type: 'scatter',
        name: t('scoring.matrix.series'),
        data: cells.map((c) => [c.r - 1, c.f - 1, c.customers, num(c.avgMonetary)]),
        symbolSize: (d: number[]) => 14 + 46 * Math.sqrt(d[2] / maxCustomers),
        label: {
          show: true,
          formatter: (p: { data: number[] }) => fmt.number(p.data[2]),
          color: '#1f1f1f',
          textBorderColor: '#fff',
          textBorderWidth: 3,
        },
        labelLayout: { hideOverlap: true },
        emphasis: { focus: 'self' },
        cursor: 'pointer',
      },
    ],
  };

  const byCell = new Map(matrix.cells.map((c) => [`${c.r}-${c.f}`, c]));
  const fRows = [...scoreValues].reverse();
  return (
    <>
      <Chart
        option={option}
        height={440}
        testId="rfm-matrix"
        onClick={(e) => {
          const d = e.data as number[] | undefined;
          if (d) void navigate(cellLink(d[0] + 1, d[1] + 1));
        }}
      />
      <Typography.Text type="secondary" style={{ display: 'block', margin: '8px 0' }}>
        {t('scoring.matrix.tableHint')}
      </Typography.Text>
      <Table
        size="small"
        pagination={false}
        rowKey="f"
        bordered
        dataSource={fRows.map((f) => ({ f }))}
        data-testid="rfm-matrix-table"
        columns={[
          { title: t('scoring.matrix.fr'), dataIndex: 'f', render: (f: number) => `F${f}` },
          ...scoreValues.map((r) => ({
            title: `R${r}`,
            key: `r${r}`,
            align: 'right' as const,
            render: (_: unknown, row: { f: number }) => {
              const c = byCell.get(`${r}-${row.f}`);
              if (!c?.customers) return '—';
              return (
                <a onClick={() => void navigate(cellLink(r, row.f))} data-testid={`rfm-cell-${r}-${row.f}`}>
                  {fmt.number(c.customers)}
                  <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                    {fmt.money(num(c.avgMonetary))}
                  </Typography.Text>
                </a>
              );
            },
          })),
        ]}
      />
    </>
  );
}
