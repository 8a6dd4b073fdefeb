import { useState } from 'react';
import { Alert, Card, Col, Empty, Flex, Row, Select, Skeleton, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ErrorResult } from '../../components/ErrorResult';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';
import { useDistribution, useLifecycleFlows, useRecomputeStatus, useScoringSettings } from './api';
import { lifecycleStages, tagColors, type LifecycleStage } from './labels';
import { LifecycleFunnel, LifecycleMonthlyBars, LifecycleSankey, stageLink } from './LifecycleCharts';
import { RecomputeBar } from './RecomputeBar';
import { SettingsDrawer } from './settings/SettingsDrawer';

const monthsShown = 12;

/** The last `n` months as YYYY-MM, oldest first (the flows' months, so empty months show too). */
function lastMonths(n: number, latest: string | undefined): string[] {
  const now = new Date();
  let [y, m] = latest ? latest.split('-').map(Number) : [now.getFullYear(), now.getMonth() + 1];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.unshift(`${y}-${String(m).padStart(2, '0')}`);
    m -= 1;
    if (m === 0) {
      m = 12;
      y -= 1;
    }
  }
  return out;
}

/** Lifecycle stages: how many customers are at each stage, and how they moved between stages per month. */
export function LifecyclePage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const navigate = useNavigate();
  const distribution = useDistribution();
  const flows = useLifecycleFlows(monthsShown);
  const settings = useScoringSettings();
  const status = useRecomputeStatus();
  const items = flows.data?.items ?? [];
  const latest = [...items]
    .map((f) => f.month)
    .sort()
    .at(-1);
  const months = lastMonths(monthsShown, latest);
  const [chosen, setChosen] = useState<string | null>(null);
  const month = chosen ?? latest ?? months[months.length - 1];
  const error = distribution.error ?? flows.error;
  const neverComputed = status.data && !status.data.finishedAt && status.data.status === 'idle';
  const stages = distribution.data?.lifecycle ?? [];
  const total = stages.reduce((n, s) => n + s.customers, 0) || 1;
  const l = settings.data?.lifecycle;

  return (
    <>
      <PageHeader
        title={t('nav.items.lifecycle')}
        description={t('scoring.lifecycle.description')}
        extra={
          <>
            <RecomputeBar />
            <SettingsDrawer models={['lifecycle']} />
          </>
        }
      />
      {neverComputed ? (
        <Alert type="info" showIcon title={t('scoring.recompute.neverHint')} style={{ marginBottom: 16 }} />
      ) : null}
      {error ? (
        <ErrorResult error={error} onRetry={() => void Promise.all([distribution.refetch(), flows.refetch()])} />
      ) : (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={14}>
            <Card style={{ height: '100%' }} data-testid="lifecycle-funnel-card">
              {!distribution.data ? (
                <Skeleton active />
              ) : stages.some((s) => s.customers > 0) ? (
                <LifecycleFunnel items={stages} />
              ) : (
                <Empty description={t('scoring.noScores')} style={{ padding: '48px 0' }} />
              )}
            </Card>
          </Col>
          <Col xs={24} xl={10}>
            <Card style={{ height: '100%' }} title={t('scoring.lifecycle.stagesTitle')}>
              <Table
                size="small"
                rowKey="stage"
                pagination={false}
                loading={distribution.isLoading}
                data-testid="lifecycle-stages"
                dataSource={lifecycleStages.map((stage) => ({
                  stage,
                  customers: stages.find((s) => s.value === stage)?.customers ?? 0,
                }))}
                columns={[
                  {
                    title: t('scoring.lifecycle.stage'),
                    dataIndex: 'stage',
                    render: (s: LifecycleStage) => (
                      <a onClick={() => void navigate(stageLink(s))} data-testid={`lifecycle-stage-${s}`}>
                        <Tag color={tagColors.lifecycleStage[s]}>{t(`scoring.stages.${s}`)}</Tag>
                      </a>
                    ),
                  },
                  {
                    title: t('scoring.lifecycle.rule'),
                    key: 'rule',
                    render: (_: unknown, r: { stage: LifecycleStage }) => (
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {l ? t(`scoring.lifecycle.rules.${r.stage}`, l) : ''}
                      </Typography.Text>
                    ),
                  },
                  {
                    title: t('scoring.classes.customers'),
                    dataIndex: 'customers',
                    align: 'right',
                    onCell: () => ({ style: { whiteSpace: 'nowrap' } }),
                    render: (n: number) => `${fmt.number(n)} (${fmt.percent(n / total)})`,
                  },
                ]}
              />
            </Card>
          </Col>
          <Col span={24}>
            <Card
              data-testid="lifecycle-flows-card"
              title={t('scoring.lifecycle.flowsTitle')}
              extra={
                <Flex align="center" gap={8}>
                  <Typography.Text type="secondary">{t('scoring.lifecycle.month')}</Typography.Text>
                  <Select
                    value={month}
                    onChange={setChosen}
                    options={[...months].reverse().map((m) => ({ value: m, label: m }))}
                    style={{ width: 120 }}
                    data-testid="lifecycle-month"
                  />
                </Flex>
              }
            >
              {flows.isLoading ? (
                <Skeleton active />
              ) : items.length ? (
                <Row gutter={[16, 16]}>
                  <Col xs={24} xl={12}>
                    {items.some((f) => f.month === month) ? (
                      <LifecycleSankey flows={items} month={month} />
                    ) : (
                      <Empty description={t('scoring.lifecycle.noMoves', { month })} style={{ marginTop: 80 }} />
                    )}
                  </Col>
                  <Col xs={24} xl={12}>
                    <LifecycleMonthlyBars flows={items} months={months} />
                  </Col>
                </Row>
              ) : (
                <Empty description={t('scoring.lifecycle.noFlows')} />
              )}
            </Card>
          </Col>
        </Row>
      )}
    </>
  );
}
