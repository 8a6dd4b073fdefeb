import { Alert, Flex, Radio, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../../../i18n/format';
import type { CompareSide, MergePreview } from './api';

/** A column head of the comparison: the record, what it holds, and "keep this one". */
export function SideHeader({
  side,
  isSurvivor,
  onChoose,
  testId,
}: {
  side: CompareSide;
  isSurvivor: boolean;
  onChoose: () => void;
  testId: string;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const c = side.customer;
  return (
    <Flex vertical gap={2}>
      <Flex align="center" gap={8} wrap>
        <Link to={`/customers/${c.id}`} target="_blank">
          {c.name}
        </Link>
        <Radio checked={isSurvivor} onChange={onChoose} data-testid={testId}>
          {isSurvivor ? t('duplicates.drawer.survivor') : t('duplicates.drawer.keepThis')}
        </Radio>
      </Flex>
      <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal' }}>
        {t('duplicates.drawer.holds', {
          at: fmt.date(c.createdAt),
          orders: side.counts.orders ?? 0,
          timeline: side.counts.timeline ?? 0,
        })}
      </Typography.Text>
    </Flex>
  );
}

/** What the dry run says: what moves to the survivor, what stays findable, what blocks it. */
export function MergePreviewNote({ preview }: { preview: MergePreview }) {
  const { t, i18n } = useTranslation();
  const list = new Intl.ListFormat(i18n.language, { type: 'conjunction' });
  if (preview.blockers.length) {
    return (
      <Alert
        type="error"
        showIcon
        title={t('duplicates.preview.blockers', {
          list: list.format(preview.blockers.map((b) => t(`duplicates.moved.${b}`, { count: 0, defaultValue: b }))),
        })}
        data-testid="merge-blockers"
      />
    );
  }
  const moves = Object.entries(preview.moves)
    .filter(([, n]) => n > 0)
    .map(([name, count]) => t(`duplicates.moved.${name}`, { count, defaultValue: `${name}: ${count}` }));
  return (
    <Alert
      type="info"
      showIcon
      title={t('duplicates.preview.title')}
      description={
        <Flex vertical gap={4} data-testid="merge-preview">
          <span>
            {moves.length
              ? t('duplicates.preview.moves', { list: list.format(moves) })
              : t('duplicates.preview.nothingMoves')}
          </span>
          {preview.aliases.length ? (
            <span>
              {t('duplicates.preview.aliases', {
                fields: list.format(preview.aliases.map((f) => t(`customers.fields.${f}`))),
              })}
            </span>
          ) : null}
          {preview.tagsAdded.length ? (
            <span>{t('duplicates.preview.tags', { tags: preview.tagsAdded.join('、') })}</span>
          ) : null}
          <span>{t('duplicates.preview.undo')}</span>
        </Flex>
      }
    />
  );
}
