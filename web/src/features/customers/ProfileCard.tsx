import { Card, Descriptions, Divider, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import { formatAttribute } from './AttributeInput';
import { useAttributeDefinitions, type Customer } from './api';
import { countryName, regionText } from './labels';
import { sourceLabel } from '../../i18n/sources';

/** The profile and the business's own fields (custom attributes), read-only. */
export function ProfileCard({ customer: c }: { customer: Customer }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const definitions = useAttributeDefinitions();
  const text = (v: string | null | undefined) => v || '—';
  const items = [
    { key: 'gender', label: t('customers.fields.gender'), children: t(`customers.gender.${c.gender}`) },
    {
      key: 'birthday',
      label: t('customers.fields.birthday'),
      children: c.birthday
        ? `${c.birthday}${c.age !== null ? ` (${t('customers.ageYears', { count: c.age })})` : ''}`
        : '—',
    },
    { key: 'occupation', label: t('customers.fields.occupation'), children: text(c.occupation) },
    { key: 'incomeBand', label: t('customers.fields.incomeBand'), children: text(c.incomeBand) },
    { key: 'education', label: t('customers.fields.education'), children: text(c.education) },
    {
      key: 'region',
      label: t('customers.fields.region'),
      children: [countryName(c.country), regionText(c)].filter(Boolean).join(' · '),
    },
    { key: 'source', label: t('customers.fields.source'), children: sourceLabel(t, c.source) },
    { key: 'touchpoint', label: t('customers.fields.touchpoint'), children: text(c.touchpoint?.name) },
    { key: 'owner', label: t('customers.fields.owner'), children: text(c.owner?.name) },
    { key: 'externalId', label: t('customers.fields.externalId'), children: text(c.externalId) },
    { key: 'createdAt', label: t('customers.fields.createdAt'), children: fmt.dateTime(c.createdAt) },
    { key: 'updatedAt', label: t('customers.fields.updatedAt'), children: fmt.dateTime(c.updatedAt) },
  ];
  const defs = definitions.data ?? [];
  // values whose definition was deleted are still shown, by key
  const orphanKeys = Object.keys(c.attributes).filter((k) => !defs.some((d) => d.key === k));
  return (
    <Card title={t('customers.profile')} size="small" data-testid="profile-card">
      <Descriptions column={1} size="small" items={items} styles={{ label: { width: 110 } }} />
      <Divider titlePlacement="start" plain style={{ margin: '12px 0' }}>
        {t('customers.form.attributes')}
      </Divider>
      {defs.length || orphanKeys.length ? (
        <Descriptions
          column={1}
          size="small"
          styles={{ label: { width: 110 } }}
          items={[
            ...defs.map((d) => ({
              key: d.key,
              label: d.label,
              children: <span data-testid={`attribute-${d.key}`}>{formatAttribute(d, c.attributes[d.key])}</span>,
            })),
            ...orphanKeys.map((k) => ({ key: k, label: k, children: formatAttribute(undefined, c.attributes[k]) })),
          ]}
        />
      ) : (
        <Typography.Text type="secondary">{t('customers.noAttributes')}</Typography.Text>
      )}
    </Card>
  );
}
