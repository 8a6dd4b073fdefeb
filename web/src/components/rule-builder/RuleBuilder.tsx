import { Alert, Button, Flex, Segmented, Skeleton, Space, Tag, Tooltip, Typography } from 'antd';
import { BranchesOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useRuleFields } from './api';
import { ConditionRow } from './ConditionRow';
import {
  childPath,
  childrenOf,
  errorsByNode,
  groupOp,
  isGroup,
  makeGroup,
  newCondition,
  rootPath,
  unwrap,
  wrap,
  type GroupOp,
  type NodeErrors,
  type NodePath,
  type RuleField,
  type RuleGroup,
  type RuleNode,
  type RuleRoot,
} from './model';
import { NotToggle } from './NotToggle';

/** Groups deeper than this are refused by the server (depth > 10), so the button stops offering them. */
const maxDepth = 10;
const groupColors = ['#1677ff', '#722ed1', '#13c2c2', '#fa8c16', '#eb2f96'];

type Shared = {
  fields: RuleField[];
  errors: NodeErrors;
  readOnly?: boolean;
  selfId?: string;
  emptyText?: string;
};

const testIdOf = (path: NodePath) => `rule-${path.replace(/\[(\d+)\]/g, '$1').replace(/\./g, '-') || 'root'}`;

function GroupBox({
  group,
  path,
  depth,
  negated,
  onChange,
  onNegate,
  onRemove,
  shared,
}: {
  group: RuleGroup;
  path: NodePath;
  depth: number;
  negated: boolean;
  onChange: (g: RuleGroup) => void;
  onNegate?: (negated: boolean) => void;
  onRemove?: () => void;
  shared: Shared;
}) {
  const { t } = useTranslation();
  const op = groupOp(group);
  const items = childrenOf(group);
  const testId = testIdOf(path);
  const color = groupColors[depth % groupColors.length];
  const errors = shared.errors.get(path);
  const setItems = (next: RuleNode[]) => onChange(makeGroup(op, next));
  const replace = (i: number, node: RuleNode) => setItems(items.map((n, j) => (j === i ? node : n)));
  const remove = (i: number) => setItems(items.filter((_, j) => j !== i));

  return (
    <div
      data-testid={testId}
      style={{
        borderLeft: `3px solid ${color}`,
        background: depth ? 'rgba(0,0,0,0.02)' : undefined,
        borderRadius: 4,
        padding: '8px 8px 8px 12px',
      }}
    >
      <Flex gap={8} align="center" wrap style={{ marginBottom: items.length ? 8 : 0 }}>
        {onNegate && shared.readOnly && negated ? <Tag color="red">{t('ruleBuilder.not')}</Tag> : null}
        {onNegate && !shared.readOnly ? (
          <NotToggle negated={negated} onChange={onNegate} testId={`${testId}-not`} />
        ) : null}
        {shared.readOnly ? (
          <Tag color={color} data-testid={`${testId}-op`}>
            {t(op === 'and' ? 'ruleBuilder.all' : 'ruleBuilder.any')}
          </Tag>
        ) : (
          <Segmented<GroupOp>
            size="small"
            value={op}
            onChange={(next) => onChange(makeGroup(next, items))}
            options={[
              { value: 'and', label: t('ruleBuilder.all') },
              { value: 'or', label: t('ruleBuilder.any') },
            ]}
            data-testid={`${testId}-op`}
          />
        )}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t(op === 'and' ? 'ruleBuilder.allHint' : 'ruleBuilder.anyHint')}
        </Typography.Text>
        <div style={{ flex: 1 }} />
        {shared.readOnly ? null : (
          <Space size={4}>
            <Button
              size="small"
              icon={<PlusOutlined />}
              onClick={() => setItems([...items, newCondition()])}
              data-testid={`${testId}-add-condition`}
            >
              {t('ruleBuilder.addCondition')}
            </Button>
            <Button
              size="small"
              icon={<BranchesOutlined />}
              disabled={depth + 1 >= maxDepth}
              onClick={() => setItems([...items, makeGroup(op === 'and' ? 'or' : 'and', [newCondition()])])}
              data-testid={`${testId}-add-group`}
            >
              {t('ruleBuilder.addGroup')}
            </Button>
            {onRemove ? (
              <Tooltip title={t('ruleBuilder.removeGroup')}>
                <Button
                  size="small"
                  type="text"
                  icon={<DeleteOutlined />}
                  onClick={onRemove}
                  aria-label={t('ruleBuilder.removeGroup')}
                  data-testid={`${testId}-remove`}
                />
              </Tooltip>
            ) : null}
          </Space>
        )}
      </Flex>
      {errors?.length ? (
        <Alert
          type="error"
          showIcon
          title={errors.map((e) => e.message).join(' ')}
          style={{ marginBottom: 8 }}
          data-testid={`${testId}-error`}
        />
      ) : null}
      <Flex vertical gap={8}>
        {items.map((node, i) => {
          const { negated: neg, inner } = unwrap(node);
          const p = childPath(path, op, i);
          const onNeg = (v: boolean) => replace(i, wrap(v, inner));
          return (
            <div key={i} style={{ position: 'relative' }}>
              {i > 0 ? (
                <Typography.Text style={{ fontSize: 11, color, fontWeight: 600, display: 'block', marginBottom: 4 }}>
                  {t(op === 'and' ? 'ruleBuilder.joinAnd' : 'ruleBuilder.joinOr')}
                </Typography.Text>
              ) : null}
              {isGroup(inner) ? (
                <GroupBox
                  group={inner}
                  path={p}
                  depth={depth + 1}
                  negated={neg}
                  onChange={(g) => replace(i, wrap(neg, g))}
                  onNegate={onNeg}
                  onRemove={() => remove(i)}
                  shared={shared}
                />
              ) : (
                <ConditionRow
                  condition={inner}
                  negated={neg}
                  fields={shared.fields}
                  errors={shared.errors.get(p)}
                  onChange={(c) => replace(i, wrap(neg, c))}
                  onNegate={onNeg}
                  onRemove={() => remove(i)}
                  readOnly={shared.readOnly}
                  selfId={shared.selfId}
                  testId={testIdOf(p)}
                />
              )}
            </div>
          );
        })}
        {!items.length ? (
          <Typography.Text type="secondary" data-testid={`${testId}-empty`}>
            {depth ? t('ruleBuilder.emptyGroup') : (shared.emptyText ?? t('ruleBuilder.emptyRule'))}
          </Typography.Text>
        ) : null}
      </Flex>
    </div>
  );
}

/**
 * The visual editor of a rule (format v1): nested AND/OR groups to any depth, NOT on any
 * condition or group, and per condition a field from the catalogue (GET /segments/fields), an
 * operator its type allows, a value editor for that type, arguments and a time window.
 * Controlled: `value` is the rule JSON, `onChange` gets the next one. `errors` are the server's
 * field errors (paths under `rules`), shown beside the node they name.
 */
export function RuleBuilder({
  value,
  onChange,
  errors = [],
  errorPrefix = 'rules',
  readOnly,
  selfId,
  fields: givenFields,
  emptyText,
}: {
  value: RuleRoot;
  onChange?: (rule: RuleRoot) => void;
  errors?: { field: string; message: string }[];
  /** Where the rule sits in the request body, for mapping error paths (`rules`, `rules[2].rules`…). */
  errorPrefix?: string;
  readOnly?: boolean;
  /** The segment being edited, so it is not offered as "member of" itself. */
  selfId?: string;
  /** A catalogue to use instead of GET /segments/fields. */
  fields?: RuleField[];
  /** What an empty rule means here (by default: every customer matches). */
  emptyText?: string;
}) {
  const { t } = useTranslation();
  const catalogue = useRuleFields();
  const fields = givenFields ?? catalogue.data;
  if (!fields) {
    if (catalogue.error) return <Alert type="error" showIcon title={t('ruleBuilder.fieldsFailed')} />;
    return <Skeleton active paragraph={{ rows: 2 }} />;
  }
  const shared: Shared = {
    fields,
    errors: errorsByNode(errors, errorPrefix),
    readOnly: readOnly || !onChange,
    selfId,
    emptyText,
  };
  return (
    <div data-testid="rule-builder">
      <GroupBox
        group={value}
        path={rootPath}
        depth={0}
        negated={false}
        onChange={(g) => onChange?.({ version: 1, ...g })}
        shared={shared}
      />
    </div>
  );
}
