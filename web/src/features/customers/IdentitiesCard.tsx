import { useState } from 'react';
import { App, Button, Card, Descriptions, Tooltip, Typography } from 'antd';
import { EyeInvisibleOutlined, EyeOutlined, LockOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { identityFields, revealIdentity, type Customer, type IdentityField } from './api';

/**
 * Contacts and ID numbers, masked as the server returns them. A holder of customers.reveal
 * shows one value at a time; each reveal is one audited request, never cached.
 */
export function IdentitiesCard({ customer, canReveal }: { customer: Customer; canReveal: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [revealed, setRevealed] = useState<Partial<Record<IdentityField, string | null>>>({});
  const [loading, setLoading] = useState<IdentityField | null>(null);

  const reveal = async (field: IdentityField) => {
    setLoading(field);
    try {
      const res = await revealIdentity(customer.id, field);
      setRevealed((r) => ({ ...r, [field]: res.value }));
    } catch (err) {
      message.error(isApiError(err) ? err.message : t('errors.unexpected'));
    } finally {
      setLoading(null);
    }
  };
  const hide = (field: IdentityField) =>
    setRevealed((r) => {
      const next = { ...r };
      delete next[field];
      return next;
    });

  const present = identityFields.filter((f) => customer[f] !== null);
  return (
    <Card
      title={t('customers.identities')}
      size="small"
      extra={
        canReveal ? undefined : (
          <Tooltip title={t('customers.revealNotAllowed')}>
            <LockOutlined style={{ color: '#999' }} />
          </Tooltip>
        )
      }
      data-testid="identities-card"
    >
      {present.length ? (
        <Descriptions
          column={1}
          size="small"
          styles={{ label: { width: 110 } }}
          items={present.map((f) => {
            const isShown = f in revealed;
            return {
              key: f,
              label: t(`customers.fields.${f}`),
              children: (
                <span style={{ display: 'inline-flex', alignItems: 'center', gap: 4, wordBreak: 'break-all' }}>
                  <Typography.Text
                    data-testid={`identity-${f}`}
                    copyable={isShown && revealed[f] ? { text: revealed[f] ?? '' } : false}
                  >
                    {isShown ? (revealed[f] ?? '—') : customer[f]}
                  </Typography.Text>
                  {canReveal ? (
                    <Tooltip title={isShown ? t('customers.hide') : t('customers.reveal')}>
                      <Button
                        type="text"
                        size="small"
                        loading={loading === f}
                        icon={isShown ? <EyeInvisibleOutlined /> : <EyeOutlined />}
                        onClick={() => (isShown ? hide(f) : void reveal(f))}
                        aria-label={isShown ? t('customers.hide') : t('customers.reveal')}
                        data-testid={`reveal-${f}`}
                      />
                    </Tooltip>
                  ) : null}
                </span>
              ),
            };
          })}
        />
      ) : (
        <Typography.Text type="secondary">{t('customers.noIdentities')}</Typography.Text>
      )}
    </Card>
  );
}
