import { useState } from 'react';
import { Button, Card, Col, Descriptions, Empty, Flex, Row, Statistic, Tag, Timeline, Tooltip, Typography } from 'antd';
import { ArrowRightOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCan } from '../../app/session';
import { useFormat } from '../../i18n/format';
import { num, useCustomerLifecycle } from './api';
import { stageColors, tagColors } from './labels';
import { ScoreTag, scoresOf } from './ScoreTags';

const historyShown = 5;

/** One R/F/M score with what it measures underneath. */
function Score({ letter, score, detail }: { letter: string; score: number | null; detail: string }) {
  return (
    <Col span={8}>
      <Statistic
        title={letter}
        value={score ?? '—'}
        suffix={score != null ? '/ 5' : undefined}
        styles={{ content: { fontSize: 22 } }}
        data-testid={`score-${letter.toLowerCase()}`}
      />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {detail}
      </Typography.Text>
    </Col>
  );
}

/** The Customer 360's computed values: R/F/M scores, classes, tier, grade and lifecycle stage with its history. */
export function ScoresCard({ customer }: { customer: { id: string } }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const canSeeScoring = useCan('scoring.view');
  const s = scoresOf(customer);
  const history = useCustomerLifecycle(customer.id);
  const [all, setAll] = useState(false);
  const changes = [...(history.data?.items ?? [])].sort((a, b) => b.at.localeCompare(a.at));
  const shown = all ? changes : changes.slice(0, historyShown);
  const stageName = (v: string | null) => (v ? t(`scoring.stages.${v}`, { defaultValue: v }) : '');

  return (
    <Card
      size="small"
      title={t('scoring.card.title')}
      data-testid="customer-scores"
      extra={
        s?.scoredAt ? (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('scoring.card.scoredAt', { at: fmt.dateTime(s.scoredAt) })}
          </Typography.Text>
        ) : null
      }
    >
      {!s ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('scoring.card.never')} />
      ) : (
        <>
          <Row gutter={12} style={{ marginBottom: 12 }}>
            <Score
              letter="R"
              score={s.rScore}
              detail={s.recencyDays != null ? `${t('scoring.fields.recencyDays')}: ${fmt.number(s.recencyDays)}` : '—'}
            />
            <Score
              letter="F"
              score={s.fScore}
              detail={`${t('scoring.fields.frequency')}: ${s.frequency != null ? fmt.number(s.frequency) : '—'}`}
            />
            <Score
              letter="M"
              score={s.mScore}
              detail={`${t('scoring.fields.monetary')}: ${s.monetary != null ? fmt.money(num(s.monetary)) : '—'}`}
            />
          </Row>
          <Descriptions size="small" column={{ xs: 1, md: 2 }} bordered>
            <Descriptions.Item label={t('scoring.fields.rfmClass')}>
              <span data-testid="score-rfmClass">{s.rfmClass ? t(`scoring.rfmClasses.${s.rfmClass}`) : '—'}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('scoring.fields.rfmSegment')}>
              <span data-testid="score-rfmSegment">
                {s.rfmSegment ? t(`scoring.rfmSegments.${s.rfmSegment}`) : '—'}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('scoring.fields.abcClass')}>
              <ScoreTag kind="abcClass" value={s.abcClass} />
            </Descriptions.Item>
            <Descriptions.Item label={t('scoring.fields.valueTier')}>
              <ScoreTag kind="valueTier" value={s.valueTier} />
            </Descriptions.Item>
            <Descriptions.Item label={t('scoring.fields.grade')}>
              <ScoreTag kind="grade" value={s.grade} />
            </Descriptions.Item>
            <Descriptions.Item label={t('scoring.fields.lifecycleStage')}>
              <Flex align="center" gap={4} wrap>
                <ScoreTag kind="lifecycleStage" value={s.lifecycleStage} />
                {s.lifecycleSince ? (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('scoring.card.since', { date: fmt.date(s.lifecycleSince) })}
                  </Typography.Text>
                ) : null}
              </Flex>
            </Descriptions.Item>
          </Descriptions>
        </>
      )}
      <Typography.Text strong style={{ display: 'block', margin: '16px 0 8px' }}>
        {t('scoring.card.history')}
        {canSeeScoring ? (
          <Link to="/lifecycle" style={{ fontWeight: 'normal', marginLeft: 8, fontSize: 12 }}>
            {t('nav.items.lifecycle')}
          </Link>
        ) : null}
      </Typography.Text>
      {changes.length ? (
        <div data-testid="lifecycle-history">
          <Timeline
            items={shown.map((c) => ({
              color: c.toStage in stageColors ? stageColors[c.toStage] : 'gray',
              content: (
                <Flex gap={6} align="center" wrap>
                  <Typography.Text type="secondary" style={{ fontSize: 12, minWidth: 86 }}>
                    {fmt.date(c.at)}
                  </Typography.Text>
                  {c.fromStage ? (
                    <>
                      <Tag color={tagColors.lifecycleStage[c.fromStage]}>{stageName(c.fromStage)}</Tag>
                      <ArrowRightOutlined style={{ color: '#999', fontSize: 11 }} />
                    </>
                  ) : null}
                  <Tag color={tagColors.lifecycleStage[c.toStage]}>{stageName(c.toStage)}</Tag>
                </Flex>
              ),
            }))}
          />
          {changes.length > historyShown ? (
            <Tooltip title={null}>
              <Button size="small" type="link" onClick={() => setAll((v) => !v)} style={{ padding: 0 }}>
                {all ? '−' : `+${changes.length - historyShown}`}
              </Button>
            </Tooltip>
          ) : null}
        </div>
      ) : (
        <Typography.Text type="secondary">{history.isLoading ? '…' : t('scoring.card.noHistory')}</Typography.Text>
      )}
    </Card>
  );
}
