import type { ReactNode } from 'react';
import { Alert, Card, Col, Empty, Flex, Row, Skeleton } from 'antd';
import { useTranslation } from 'react-i18next';
import { ErrorResult } from '../../components/ErrorResult';
import { PageHeader } from '../../components/PageHeader';
import { useAbcReport, useDistribution, useRecomputeStatus, useRfmMatrix, useScoringSettings } from './api';
import { AbcPareto } from './AbcPareto';
import { ClassBreakdown } from './ClassBreakdown';
import { DistributionChart } from './DistributionChart';
import { grades, valueTiers } from './labels';
import { RecomputeBar } from './RecomputeBar';
import { RfmMatrixChart } from './RfmMatrixChart';
import { SettingsDrawer } from './settings/SettingsDrawer';

/** A card's chart once its data is in; "nothing scored yet" rather than empty axes when it has none. */
function Body<T>({
  data,
  has,
  children,
}: {
  data: T | undefined;
  has: (d: T) => boolean;
  children: (d: T) => ReactNode;
}) {
  const { t } = useTranslation();
  if (!data) return <Skeleton active />;
  if (!has(data)) return <Empty description={t('scoring.noScores')} style={{ padding: '48px 0' }} />;
  return children(data);
}

const someCustomers = (items: { customers: number }[]) => items.some((i) => i.customers > 0);

const tierColors = ['#faad14', '#1677ff', '#bfbfbf'];
const gradeColors = ['#faad14', '#52c41a', '#1677ff', '#bfbfbf'];

/** RFM, ABC, value tiers and grades: how the customer base splits by value, and who is in each part. */
export function GradesPage() {
  const { t } = useTranslation();
  const matrix = useRfmMatrix();
  const abc = useAbcReport();
  const distribution = useDistribution();
  const settings = useScoringSettings();
  const status = useRecomputeStatus();
  const error = matrix.error ?? abc.error ?? distribution.error;
  const neverComputed = status.data && !status.data.finishedAt && status.data.status === 'idle';

  return (
    <>
      <PageHeader
        title={t('nav.items.grades')}
        description={t('scoring.gradesPage.description')}
        extra={
          <>
            <RecomputeBar />
            <SettingsDrawer models={['rfm', 'abc', 'valueTiers', 'grades']} />
          </>
        }
      />
      {neverComputed ? (
        <Alert type="info" showIcon title={t('scoring.recompute.neverHint')} style={{ marginBottom: 16 }} />
      ) : null}
      {error ? (
        <ErrorResult
          error={error}
          onRetry={() => void Promise.all([matrix.refetch(), abc.refetch(), distribution.refetch()])}
        />
      ) : (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={13}>
            <Card style={{ height: '100%' }} data-testid="rfm-matrix-card">
              <Body data={matrix.data} has={(m) => someCustomers(m.cells)}>
                {(m) => <RfmMatrixChart matrix={m} />}
              </Body>
            </Card>
          </Col>
          <Col xs={24} xl={11}>
            <Card style={{ height: '100%' }} data-testid="rfm-classes-card">
              <Body data={matrix.data} has={(m) => someCustomers(m.cells)}>
                {(m) => <ClassBreakdown matrix={m} />}
              </Body>
            </Card>
          </Col>
          <Col xs={24} xl={13}>
            <Card style={{ height: '100%' }} data-testid="abc-card">
              <Body data={abc.data} has={(a) => someCustomers(a.classes)}>
                {(a) => <AbcPareto report={a} settings={settings.data?.abc} />}
              </Body>
            </Card>
          </Col>
          <Col xs={24} xl={11}>
            <Flex vertical gap={16}>
              <Card data-testid="value-tiers-card">
                <Body data={distribution.data} has={(d) => someCustomers(d.valueTiers)}>
                  {(d) => (
                    <DistributionChart
                      title={t('scoring.distribution.valueTiers')}
                      codes={valueTiers}
                      labelPrefix="scoring.valueTiers"
                      items={d.valueTiers}
                      filter="valueTier"
                      colors={tierColors}
                      testId="value-tiers-chart"
                    />
                  )}
                </Body>
              </Card>
              <Card data-testid="grades-card">
                <Body data={distribution.data} has={(d) => someCustomers(d.grades)}>
                  {(d) => (
                    <DistributionChart
                      title={t('scoring.distribution.grades')}
                      codes={grades}
                      labelPrefix="scoring.grades"
                      items={d.grades}
                      filter="grade"
                      colors={gradeColors}
                      testId="grades-chart"
                    />
                  )}
                </Body>
              </Card>
            </Flex>
          </Col>
        </Row>
      )}
    </>
  );
}
