import { lazy, Suspense, useState } from 'react';
import { Card, Col, Empty, Row, Segmented, Skeleton, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import { useTouchpointActivity, type Touchpoint } from './api';

// echarts is large: it loads with the first chart, not with the app
const ActivityChart = lazy(() => import('./ActivityChart').then((m) => ({ default: m.ActivityChart })));

const ranges = [7, 30, 90] as const;
type Range = (typeof ranges)[number];

/** The selected touchpoint's activity per day, and what kind of activity it was. */
export function TouchpointActivityCard({ touchpoint }: { touchpoint: Touchpoint }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [days, setDays] = useState<Range>(30);
  const activity = useTouchpointActivity(touchpoint.id, days);
  const total = activity.data?.days.reduce((n, d) => n + d.count, 0) ?? 0;
  return (
    <Card
      title={t('touchpoints.chart.title', { name: touchpoint.name })}
      loading={activity.isLoading}
      extra={
        <Segmented<Range>
          value={days}
          onChange={setDays}
          options={ranges.map((d) => ({ value: d, label: t('touchpoints.chart.days', { count: d }) }))}
          data-testid="touchpoint-chart-range"
        />
      }
      data-testid="touchpoint-activity"
    >
      <Row gutter={24}>
        <Col xs={24} lg={16}>
          <Typography.Paragraph type="secondary">
            {t('touchpoints.chart.summary', { count: total, days, timeZone: fmt.timeZone })}
          </Typography.Paragraph>
          {activity.data ? (
            <Suspense fallback={<Skeleton active />}>
              <ActivityChart days={activity.data.days} />
            </Suspense>
          ) : null}
        </Col>
        <Col xs={24} lg={8}>
          <Typography.Title level={5}>{t('touchpoints.chart.byKind')}</Typography.Title>
          {activity.data?.byKind.length ? (
            <Table
              size="small"
              rowKey="kind"
              showHeader={false}
              pagination={false}
              dataSource={activity.data.byKind}
              columns={[
                {
                  dataIndex: 'kind',
                  render: (kind: string) => t(`touchpoints.kinds.${kind.replace('.', '_')}`, { defaultValue: kind }),
                },
                { dataIndex: 'count', align: 'right', render: (n: number) => fmt.number(n) },
              ]}
              data-testid="touchpoint-by-kind"
            />
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('touchpoints.chart.empty')} />
          )}
        </Col>
      </Row>
    </Card>
  );
}
