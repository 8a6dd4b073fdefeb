import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { changeLanguage, isLanguage, languages } from '../i18n/i18n';

/** For pages before sign-in: switches the language on this device only. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <Segmented
      size="small"
      value={i18n.language}
      options={languages.map((l) => ({
        value: l,
        label: <span data-testid={`language-${l}`}>{t(`languages.${l}`)}</span>,
      }))}
      onChange={(v) => {
        if (isLanguage(v)) void changeLanguage(v);
      }}
    />
  );
}
