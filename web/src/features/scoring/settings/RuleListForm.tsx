import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Flex, Select, Tooltip, Typography } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { isApiError, type FieldError } from '../../../api/client';
import { RuleBuilder, emptyRule, type RuleRoot } from '../../../components/rule-builder';
import { useSaveScoringSettings, type ScoringSettings } from '../api';
import { grades, valueTiers } from '../labels';

type Model = 'valueTiers' | 'grades';
type Item = { key: number; value: string; rules: RuleRoot };

const codesOf: Record<Model, readonly string[]> = { valueTiers, grades };
const labelOf: Record<Model, string> = { valueTiers: 'scoring.valueTiers', grades: 'scoring.grades' };

let nextKey = 1;

/**
 * Value tiers or grades as an ordered list of (value, rule): the first rule a customer matches
 * gives the value, and a customer matching none gets the lowest.
 */
export function RuleListForm({
  model,
  value,
  readOnly,
}: {
  model: Model;
  value: { rules: { value: string; rules: object }[] };
  readOnly: boolean;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const save = useSaveScoringSettings();
  const codes = codesOf[model];
  const [items, setItems] = useState<Item[]>([]);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setItems(value.rules.map((r) => ({ key: nextKey++, value: r.value, rules: r.rules as RuleRoot })));
  }, [value]);

  const update = (i: number, patch: Partial<Item>) =>
    setItems((list) => list.map((it, j) => (j === i ? { ...it, ...patch } : it)));
  const move = (i: number, by: number) =>
    setItems((list) => {
      const next = [...list];
      const [it] = next.splice(i, 1);
      next.splice(i + by, 0, it);
      return next;
    });
  const lowest = codes[codes.length - 1];

  const submit = () => {
    setError(null);
    setErrors([]);
    const body = { rules: items.map((it) => ({ value: it.value, rules: it.rules })) };
    save.mutate(
      { model, value: body as unknown as ScoringSettings['grades'] },
      {
        onSuccess: () => void message.success(t('scoring.settings.saved')),
        onError: (err) => {
          if (!isApiError(err)) return setError(String(err));
          setErrors(err.fields);
          // errors inside a rule show on its condition; the rest at the top
          const rest = err.fields.filter((f) => !/^rules\[\d+\]\.rules\./.test(f.field));
          if (rest.length || !err.fields.length) setError(rest.map((f) => f.message).join('; ') || err.message);
        },
      },
    );
  };

  return (
    <div data-testid={`settings-${model}`}>
      <Typography.Paragraph type="secondary">
        {t('scoring.settings.ruleList.hint', { lowest: t(`${labelOf[model]}.${lowest}`) })}
      </Typography.Paragraph>
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      {items.length ? null : (
        // the server applies its default rules while the list is empty (scoring.service.ts)
        <Alert
          type="info"
          showIcon
          title={t(`scoring.settings.ruleList.defaults.${model}`)}
          style={{ marginBottom: 12 }}
          data-testid={`${model}-defaults`}
        />
      )}
      <Flex vertical gap={12}>
        {items.map((it, i) => (
          <Card
            key={it.key}
            size="small"
            data-testid={`${model}-rule-${i}`}
            title={
              <Flex align="center" gap={8}>
                <Typography.Text type="secondary">{t('scoring.settings.ruleList.then', { n: i + 1 })}</Typography.Text>
                <Select
                  value={it.value}
                  onChange={(v: string) => update(i, { value: v })}
                  options={codes.map((c) => ({ value: c, label: t(`${labelOf[model]}.${c}`) }))}
                  style={{ width: 140 }}
                  disabled={readOnly}
                  data-testid={`${model}-rule-${i}-value`}
                />
              </Flex>
            }
            extra={
              readOnly ? null : (
                <Flex gap={4}>
                  <Tooltip title={t('scoring.settings.ruleList.up')}>
                    <Button size="small" icon={<ArrowUpOutlined />} disabled={i === 0} onClick={() => move(i, -1)} />
                  </Tooltip>
                  <Tooltip title={t('scoring.settings.ruleList.down')}>
                    <Button
                      size="small"
                      icon={<ArrowDownOutlined />}
                      disabled={i === items.length - 1}
                      onClick={() => move(i, 1)}
                    />
                  </Tooltip>
                  <Tooltip title={t('common.delete')}>
                    <Button
                      size="small"
                      danger
                      icon={<DeleteOutlined />}
                      onClick={() => setItems((list) => list.filter((_, j) => j !== i))}
                      data-testid={`${model}-rule-${i}-delete`}
                    />
                  </Tooltip>
                </Flex>
              )
            }
          >
            <RuleBuilder
              value={it.rules}
              onChange={readOnly ? undefined : (rules) => update(i, { rules })}
              errors={errors}
              errorPrefix={`rules[${i}].rules`}
              readOnly={readOnly}
            />
          </Card>
        ))}
      </Flex>
      {readOnly ? null : (
        <Flex justify="space-between" style={{ marginTop: 12 }}>
          <Button
            icon={<PlusOutlined />}
            onClick={() => setItems((list) => [...list, { key: nextKey++, value: codes[0], rules: emptyRule() }])}
            data-testid={`${model}-rule-add`}
          >
            {t('scoring.settings.ruleList.add')}
          </Button>
          <Button type="primary" onClick={submit} loading={save.isPending} data-testid={`settings-${model}-save`}>
            {t('common.save')}
          </Button>
        </Flex>
      )}
    </div>
  );
}
