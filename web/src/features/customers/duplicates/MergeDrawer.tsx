import { useMemo, useState } from 'react';
import { Alert, App, Button, Drawer, Flex, Radio, Space, Spin, Table, Tag, Typography } from 'antd';
import { EyeInvisibleOutlined, EyeOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { isApiError } from '../../../api/client';
import { useCan } from '../../../app/session';
import { ErrorResult } from '../../../components/ErrorResult';
import { buttonWithTestId } from '../../../components/test-id';
import { useAttributeDefinitions } from '../api';
import { useComparison, useDismissPair, useMerge, useMergePreview, type CompareSide, type MergeBody } from './api';
import { choicesFor, defaultPick, fieldRows, type FieldRow, type Pick } from './compare';
import { MergePreviewNote, SideHeader } from './MergeParts';

const identities = new Set(['mobile', 'email', 'wechatOpenId', 'wechatUnionId', 'idNumber', 'address']);

/**
 * Two customers side by side: which one survives, and per field whose value it keeps. The dry
 * run below shows what would move; "merge" does it (undoable from the merge history).
 */
export function MergeDrawer({
  pair,
  onClose,
}: {
  pair: { a: string; b: string; pairId?: string } | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const navigate = useNavigate();
  const canReveal = useCan('customers.reveal');
  const [reveal, setReveal] = useState(false);
  const [survivor, setSurvivor] = useState<Pick>('a');
  const [picks, setPicks] = useState<Record<string, Pick>>({});
  // while merging, nothing is refetched: the merged record is about to be gone
  const [isMerging, setIsMerging] = useState(false);
  const comparison = useComparison(isMerging ? null : pair, reveal);
  const definitions = useAttributeDefinitions();
  const merge = useMerge();
  const dismiss = useDismissPair();
  const sides = comparison.data?.sides as [CompareSide, CompareSide] | undefined;
  const rows = useMemo(
    () => (sides ? fieldRows(t, sides[0].customer, sides[1].customer, definitions.data ?? []) : []),
    [sides, t, definitions.data],
  );
  const ids = { a: pair?.a ?? '', b: pair?.b ?? '' };
  const other: Pick = survivor === 'a' ? 'b' : 'a';
  const body: MergeBody | null = sides
    ? { survivorId: ids[survivor], mergedId: ids[other], fields: choicesFor(rows, picks, survivor) }
    : null;
  const preview = useMergePreview(isMerging ? null : body);

  const close = () => {
    setReveal(false);
    setSurvivor('a');
    setPicks({});
    setIsMerging(false);
    onClose();
  };
  const failed = (err: unknown) => message.error(isApiError(err) ? err.message : t('errors.unexpected'));

  const confirmMerge = () => {
    if (!body || !sides) return;
    const names = {
      survivor: sides[survivor === 'a' ? 0 : 1].customer.name,
      merged: sides[other === 'a' ? 0 : 1].customer.name,
    };
    modal.confirm({
      title: t('duplicates.mergeConfirm', names),
      content: t('duplicates.mergeConfirmHint'),
      okText: t('duplicates.merge'),
      okButtonProps: buttonWithTestId('merge-confirm-ok', { danger: true }),
      cancelText: t('common.cancel'),
      onOk: async () => {
        setIsMerging(true);
        try {
          await merge.mutateAsync(body);
          message.success(t('duplicates.mergedMsg', { name: names.survivor }));
          close();
          void navigate(`/customers/${body.survivorId}`);
        } catch (err) {
          setIsMerging(false);
          failed(err);
        }
      },
    });
  };

  const notSame = async () => {
    if (!pair?.pairId) return;
    try {
      await dismiss.mutateAsync(pair.pairId);
      message.success(t('duplicates.dismissed'));
      close();
    } catch (err) {
      failed(err);
    }
  };

  const cell = (row: FieldRow, side: Pick) => {
    const value = row[side];
    const choosable = row.a !== null && row.b !== null && (row.a !== row.b || identities.has(row.key));
    const shown = (
      <Typography.Text type={value === null ? 'secondary' : undefined} data-testid={`value-${side}-${row.key}`}>
        {value ?? t('duplicates.drawer.noValue')}
      </Typography.Text>
    );
    if (!choosable) return shown;
    const picked = (picks[row.key] ?? defaultPick(row, survivor)) === side;
    return (
      <Radio
        checked={picked}
        onChange={() => setPicks((p) => ({ ...p, [row.key]: side }))}
        data-testid={`pick-${side}-${row.key}`}
      >
        {shown}
      </Radio>
    );
  };

  return (
    <Drawer
      open={!!pair}
      onClose={close}
      size={1000}
      title={t('duplicates.drawer.title')}
      destroyOnHidden
      extra={
        canReveal ? (
          <Button
            icon={reveal ? <EyeInvisibleOutlined /> : <EyeOutlined />}
            onClick={() => setReveal((r) => !r)}
            title={t('duplicates.drawer.revealHint')}
            data-testid="compare-reveal"
          >
            {reveal ? t('duplicates.drawer.hide') : t('duplicates.drawer.reveal')}
          </Button>
        ) : null
      }
      footer={
        <Flex justify="space-between">
          <span>
            {pair?.pairId ? (
              <Button onClick={() => void notSame()} loading={dismiss.isPending} data-testid="compare-dismiss">
                {t('duplicates.dismiss')}
              </Button>
            ) : null}
          </span>
          <Space>
            <Button onClick={close}>{t('common.cancel')}</Button>
            <Button
              type="primary"
              danger
              onClick={confirmMerge}
              disabled={!preview.data || preview.data.blockers.length > 0}
              loading={merge.isPending}
              data-testid="compare-merge"
            >
              {t('duplicates.merge')}
            </Button>
          </Space>
        </Flex>
      }
      data-testid="merge-drawer"
    >
      {comparison.error ? (
        <ErrorResult error={comparison.error} onRetry={() => void comparison.refetch()} />
      ) : !sides ? (
        <Spin />
      ) : (
        <Flex vertical gap={16}>
          <Table<FieldRow>
            rowKey="key"
            size="small"
            pagination={false}
            dataSource={rows}
            columns={[
              { title: t('duplicates.drawer.field'), dataIndex: 'label', width: 140 },
              ...(['a', 'b'] as const).map((side, i) => ({
                key: side,
                width: '42%',
                title: (
                  <SideHeader
                    side={sides[i]}
                    isSurvivor={survivor === side}
                    onChoose={() => setSurvivor(side)}
                    testId={`survivor-${side}`}
                  />
                ),
                render: (_: unknown, row: FieldRow) => cell(row, side),
              })),
            ]}
            data-testid="compare-table"
          />
          <Flex gap={16}>
            {sides.map((s, i) => (
              <Flex key={s.customer.id} vertical gap={4} style={{ flex: 1 }}>
                {s.customer.tags.length ? (
                  <div>
                    {t('customers.fields.tags')}:{' '}
                    {s.customer.tags.map((tag) => (
                      <Tag key={tag}>{tag}</Tag>
                    ))}
                  </div>
                ) : null}
                {s.aliases.length ? (
                  <Typography.Text type="secondary">
                    {t('duplicates.drawer.aliases')}:{' '}
                    {s.aliases.map((a) => `${t(`customers.fields.${a.field}`)} ${a.value}`).join('、')}
                  </Typography.Text>
                ) : null}
                {s.verified.length ? (
                  <Typography.Text type="success" data-testid={`verified-${i ? 'b' : 'a'}`}>
                    <SafetyCertificateOutlined />{' '}
                    {t('duplicates.drawer.verified', {
                      fields: s.verified.map((f) => t(`customers.fields.${f}`)).join('、'),
                    })}
                  </Typography.Text>
                ) : null}
              </Flex>
            ))}
          </Flex>
          {preview.error ? (
            <Alert
              type="error"
              showIcon
              title={isApiError(preview.error) ? preview.error.message : t('errors.unexpected')}
            />
          ) : preview.data ? (
            <MergePreviewNote preview={preview.data} />
          ) : null}
        </Flex>
      )}
    </Drawer>
  );
}
