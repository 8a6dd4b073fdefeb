import { useEffect, useState } from 'react';
import { Alert, Card, Empty, Flex, Spin, Statistic, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isApiError, type FieldError } from '../../api/client';
import { isComplete, useRuleFields, type RuleRoot } from '../../components/rule-builder';
import { useFormat } from '../../i18n/format';
import { usePreview, type Preview } from './api';

const debounceMs = 400;

/** The rule as text, settled for `debounceMs` (typing a number counts once, not per keystroke). */
function useSettled(value: string | null) {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), debounceMs);
    return () => window.clearTimeout(timer);
  }, [value]);
  return settled;
}

/**
 * How many customers the rule selects now, with a few of them, recounted as the rule changes.
 * Half-made conditions are not sent; the server's field errors go to `onErrors` so the builder
 * can show them beside the condition at fault.
 */
export function LivePreview({ rule, onErrors }: { rule: RuleRoot; onErrors: (fields: FieldError[]) => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const fields = useRuleFields();
  const complete = !!fields.data && isComplete(rule, fields.data);
  const settled = useSettled(complete ? JSON.stringify(rule) : null);
  const preview = usePreview(settled);
  const error = preview.error;
  const pending = complete && (settled !== JSON.stringify(rule) || preview.isFetching);

  useEffect(() => {
    onErrors(isApiError(error) ? error.fields : []);
  }, [error, onErrors]);

  const data: Preview | undefined = error ? undefined : preview.data;
  return (
    <Card
      size="small"
      title={t('segments.preview.title')}
      extra={pending ? <Spin size="small" data-testid="preview-loading" /> : null}
      data-testid="segment-preview"
    >
      {!complete ? (
        <Typography.Text type="secondary" data-testid="preview-incomplete">
          {t('segments.preview.incomplete')}
        </Typography.Text>
      ) : error ? (
        <Alert
          type="error"
          showIcon
          title={isApiError(error) ? error.message : t('errors.unexpected')}
          data-testid="preview-error"
        />
      ) : (
        <Flex vertical gap={12} style={{ opacity: pending ? 0.6 : 1 }}>
          <Flex align="flex-end" gap={16}>
            <Statistic
              title={t('segments.preview.count')}
              value={data ? fmt.number(data.count) : '—'}
              styles={{ content: { fontSize: 32 } }}
              data-testid="preview-count"
              data-count={data?.count ?? ''}
            />
            {data ? (
              <Typography.Text type="secondary" data-testid="preview-took">
                {t('segments.preview.took', { ms: fmt.number(data.tookMs) })}
              </Typography.Text>
            ) : null}
          </Flex>
          <div data-testid="preview-sample">
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('segments.preview.sample')}
            </Typography.Text>
            {data?.sample.length ? (
              data.sample.map((c) => (
                <div key={c.id} style={{ padding: '6px 0', borderBottom: '1px solid #f0f0f0' }}>
                  <Flex justify="space-between" gap={8}>
                    <Link to={`/customers/${c.id}`}>{c.name}</Link>
                    <Typography.Text type="secondary">{c.mobile ?? ''}</Typography.Text>
                  </Flex>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {[
                      c.city,
                      t('segments.preview.spent', { amount: fmt.money(c.totalSpent) }),
                      c.lastOrderAt ? t('segments.preview.lastOrder', { date: fmt.date(c.lastOrderAt) }) : null,
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </Typography.Text>
                </div>
              ))
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('segments.preview.noneMatch')} />
            )}
          </div>
        </Flex>
      )}
    </Card>
  );
}
