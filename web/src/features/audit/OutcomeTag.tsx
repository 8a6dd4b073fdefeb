import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

const colors = { success: 'green', failure: 'red', denied: 'orange' } as const;

export function OutcomeTag({ outcome }: { outcome: keyof typeof colors }) {
  const { t } = useTranslation();
  return <Tag color={colors[outcome]}>{t(`audit.outcomes.${outcome}`)}</Tag>;
}
