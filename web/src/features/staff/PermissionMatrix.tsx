import { Checkbox, Table, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';

type Props = {
  modules: string[];
  actions: string[];
  value?: string[];
  onChange?: (value: string[]) => void;
  readOnly?: boolean;
};

type Row = { module: string };

/** Modules × actions; a whole row or column toggles at once. Used as a form control. */
export function PermissionMatrix({ modules, actions, value = [], onChange, readOnly }: Props) {
  const { t } = useTranslation();
  const granted = new Set(value);
  const set = (perms: string[], on: boolean) => {
    const next = new Set(granted);
    for (const p of perms) {
      if (on) next.add(p);
      else next.delete(p);
    }
    onChange?.([...next].sort());
  };
  const rowPerms = (m: string) => actions.map((a) => `${m}.${a}`);
  const colPerms = (a: string) => modules.map((m) => `${m}.${a}`);
  const state = (perms: string[]) => {
    const n = perms.filter((p) => granted.has(p)).length;
    return { checked: n === perms.length, indeterminate: n > 0 && n < perms.length };
  };

  const columns: TableProps<Row>['columns'] = [
    {
      title: t('roles.module'),
      dataIndex: 'module',
      fixed: 'left',
      width: 160,
      render: (m: string) => (
        <Checkbox {...state(rowPerms(m))} disabled={readOnly} onChange={(e) => set(rowPerms(m), e.target.checked)}>
          {t(`permissions.modules.${m}`, { defaultValue: m })}
        </Checkbox>
      ),
    },
    ...actions.map((a) => ({
      key: a,
      align: 'center' as const,
      title: (
        <Checkbox {...state(colPerms(a))} disabled={readOnly} onChange={(e) => set(colPerms(a), e.target.checked)}>
          {t(`permissions.actions.${a}`, { defaultValue: a })}
        </Checkbox>
      ),
      render: (_: unknown, row: Row) => {
        const p = `${row.module}.${a}`;
        return (
          <Checkbox
            checked={granted.has(p)}
            disabled={readOnly}
            onChange={(e) => set([p], e.target.checked)}
            data-testid={`perm-${p}`}
            aria-label={p}
          />
        );
      },
    })),
  ];

  return (
    <Table<Row>
      rowKey="module"
      size="small"
      columns={columns}
      dataSource={modules.map((module) => ({ module }))}
      pagination={false}
      bordered
      scroll={{ x: 760 }}
      data-testid="permission-matrix"
    />
  );
}
