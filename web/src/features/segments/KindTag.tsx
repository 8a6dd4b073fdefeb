import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { SegmentKind } from './api';

export function KindTag({ kind }: { kind: SegmentKind }) {
  const { t } = useTranslation();
  return (
    <Tooltip title={t(`segments.kindHint.${kind}`)}>
      <Tag color={kind === 'dynamic' ? 'blue' : 'default'}>{t(`segments.kind.${kind}`)}</Tag>
    </Tooltip>
  );
}
