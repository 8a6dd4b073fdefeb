import { Button, Flex, Select, Tag, Tooltip, Typography } from 'antd';
import { DeleteOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ArgsInput, WindowInput } from './ArgsInput';
import { ConditionText } from './describe';
import {
  defaultValue,
  fieldGroups,
  needsValue,
  newCondition,
  type NodeError,
  type RuleCondition,
  type RuleField,
} from './model';
import { NotToggle } from './NotToggle';
import { ValueInput } from './ValueInput';

/** One condition: field, operator, value, arguments and window, on one (wrapping) line. */
export function ConditionRow({
  condition: c,
  negated,
  fields,
  errors,
  onChange,
  onNegate,
  onRemove,
  readOnly,
  selfId,
  testId,
}: {
  condition: RuleCondition;
  negated: boolean;
  fields: RuleField[];
  errors?: NodeError[];
  onChange: (c: RuleCondition) => void;
  onNegate: (negated: boolean) => void;
  onRemove: () => void;
  readOnly?: boolean;
  selfId?: string;
  testId: string;
}) {
  const { t } = useTranslation();
  const field = fields.find((f) => f.key === c.field);
  const options = fieldGroups
    .map((g) => ({
      label: t(`ruleBuilder.groups.${g}`),
      title: g,
      options: fields.filter((f) => f.group === g).map((f) => ({ value: f.key, label: f.label })),
    }))
    .filter((g) => g.options.length);

  const pickField = (key: string) => onChange(newCondition(fields.find((f) => f.key === key)));
  const pickOp = (op: string) => {
    // keep what was typed when the new operator takes the same shape of value (gt → gte)
    const fresh = defaultValue(field, op);
    const sameShape =
      needsValue(op) &&
      c.value !== undefined &&
      Array.isArray(c.value) === Array.isArray(fresh) &&
      (op === 'withinLastDays') === (c.op === 'withinLastDays');
    const next: RuleCondition = { ...c, op, value: sameShape ? c.value : fresh };
    if (next.value === undefined) delete next.value;
    onChange(next);
  };

  if (readOnly) {
    return (
      <Flex gap={6} wrap align="center" data-testid={testId}>
        {negated ? <Tag color="red">{t('ruleBuilder.not')}</Tag> : null}
        <ConditionText condition={c} field={field} />
      </Flex>
    );
  }

  return (
    <div data-testid={testId} className="rule-condition">
      <Flex gap={6} align="flex-start">
        <NotToggle negated={negated} onChange={onNegate} testId={`${testId}-not`} />
        <Flex gap={6} wrap align="center" style={{ flex: 1 }}>
          <Select
            value={c.field || undefined}
            onChange={pickField}
            options={options}
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('ruleBuilder.pickField')}
            popupMatchSelectWidth={false}
            style={{ width: 190 }}
            status={errors?.some((e) => e.part === 'field' || e.part === '') ? 'error' : undefined}
            data-testid={`${testId}-field`}
          />
          {field ? (
            <>
              <Select
                value={c.op || undefined}
                onChange={pickOp}
                options={field.ops.map((op) => ({
                  value: op,
                  label: t(`ruleBuilder.ops.${op}`, { defaultValue: op }),
                }))}
                popupMatchSelectWidth={false}
                style={{ width: 120 }}
                status={errors?.some((e) => e.part === 'op') ? 'error' : undefined}
                data-testid={`${testId}-op`}
              />
              <ValueInput
                field={field}
                op={c.op}
                value={c.value}
                onChange={(value) => onChange({ ...c, value })}
                selfId={selfId}
                testId={`${testId}-value`}
              />
              <ArgsInput
                field={field}
                value={c.args}
                onChange={(args) => onChange({ ...c, args })}
                testId={`${testId}-args`}
              />
              {field.windowed ? (
                <WindowInput
                  value={c.window}
                  onChange={(window) => {
                    const next = { ...c, window };
                    if (!window) delete next.window;
                    onChange(next);
                  }}
                  testId={`${testId}-window`}
                />
              ) : null}
            </>
          ) : c.field ? (
            <Typography.Text type="danger">{t('ruleBuilder.unknownField', { key: c.field })}</Typography.Text>
          ) : null}
        </Flex>
        <Tooltip title={t('ruleBuilder.removeCondition')}>
          <Button
            type="text"
            icon={<DeleteOutlined />}
            onClick={onRemove}
            aria-label={t('ruleBuilder.removeCondition')}
            data-testid={`${testId}-remove`}
          />
        </Tooltip>
      </Flex>
      {errors?.length ? (
        <div data-testid={`${testId}-error`}>
          {errors.map((e) => (
            <Typography.Text key={`${e.part}:${e.message}`} type="danger" style={{ display: 'block', fontSize: 12 }}>
              {e.message}
            </Typography.Text>
          ))}
        </div>
      ) : null}
    </div>
  );
}
