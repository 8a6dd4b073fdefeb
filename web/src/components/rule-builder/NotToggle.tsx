import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';

/** "NOT" in front of a condition or group: a checkable tag, red when on. */
export function NotToggle({
  negated,
  onChange,
  testId,
}: {
  negated: boolean;
  onChange: (negated: boolean) => void;
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <Tooltip title={t('ruleBuilder.notHint')}>
      <Tag.CheckableTag
        checked={negated}
        onChange={onChange}
        style={negated ? { background: '#ff4d4f', color: '#fff' } : { border: '1px dashed #d9d9d9' }}
        data-testid={testId}
      >
        {t('ruleBuilder.not')}
      </Tag.CheckableTag>
    </Tooltip>
  );
}
