import { useEffect, useState } from 'react';
import { App, Avatar, Button, Card, Col, Flex, Row, Space, Tag, Typography } from 'antd';
import { ArrowLeftOutlined, DeleteOutlined, EditOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useParams } from 'react-router';
import { isApiError } from '../../api/client';
import { useCan } from '../../app/session';
import { ErrorResult } from '../../components/ErrorResult';
import { FullPageSpin } from '../../components/FullPageSpin';
import { NotFound } from '../../components/NotFound';
import { buttonWithTestId } from '../../components/test-id';
import { useCustomer, useDeleteCustomer, type Customer } from './api';
import { CustomerForm } from './CustomerForm';
import { CustomerTags } from './CustomerTags';
import { CustomerTimeline } from './CustomerTimeline';
import { IdentitiesCard } from './IdentitiesCard';
import { ProfileCard } from './ProfileCard';
import { StatsCards } from './StatsCards';
import { ScoresCard } from '../scoring/ScoresCard';
import { TouchpointsCard } from './TouchpointsCard';
import { ConsentsCard } from './ConsentsCard';
import { CustomerSegmentsCard } from '../segments/CustomerSegmentsCard';
import { regionText } from './labels';
import { sourceLabel } from '../../i18n/sources';

const genderColors = { female: 'magenta', male: 'blue', unknown: 'default' } as const;

/** Delete with confirmation; when orders (or later modules' records) depend on it, a second one. */
function useDeleteFlow(customer: Customer | undefined) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const navigate = useNavigate();
  const remove = useDeleteCustomer();

  const done = () => {
    message.success(t('customers.deleted', { name: customer?.name }));
    void navigate('/customers');
  };
  const failed = (err: unknown) => message.error(isApiError(err) ? err.message : t('errors.unexpected'));

  const confirmDependents = (c: Customer, detail: string) =>
    modal.confirm({
      title: t('customers.deleteDependentsTitle', { name: c.name }),
      content: (
        <>
          <Typography.Paragraph data-testid="delete-dependents">{detail}</Typography.Paragraph>
          <Typography.Paragraph type="danger">{t('customers.deleteDependentsHint')}</Typography.Paragraph>
        </>
      ),
      okText: t('customers.deleteAll'),
      okButtonProps: buttonWithTestId('confirm-ok', { danger: true }),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await remove.mutateAsync({ id: c.id, confirm: true });
          done();
        } catch (err) {
          failed(err);
        }
      },
    });

  return () => {
    const c = customer;
    if (!c) return;
    modal.confirm({
      title: t('customers.deleteConfirm', { name: c.name }),
      content: t('customers.deleteHint'),
      okText: t('common.delete'),
      okButtonProps: buttonWithTestId('confirm-ok', { danger: true }),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await remove.mutateAsync({ id: c.id, confirm: false });
          done();
        } catch (err) {
          if (isApiError(err) && err.code === 'customer_has_dependents') confirmDependents(c, err.message);
          else failed(err);
        }
      },
    });
  };
}

function Header({ customer: c, onEdit, onDelete }: { customer: Customer; onEdit?: () => void; onDelete?: () => void }) {
  const { t } = useTranslation();
  const canEdit = useCan('customers.edit');
  const place = regionText(c);
  return (
    <Card style={{ marginBottom: 16 }} data-testid="customer-header">
      <Flex justify="space-between" align="flex-start" gap={16} wrap>
        <Flex gap={16} align="flex-start">
          <Avatar size={56} style={{ background: '#1668dc', fontSize: 24, flex: 'none' }}>
            {c.name.slice(0, 1)}
          </Avatar>
          <div>
            <Flex align="center" gap={8} wrap>
              <Typography.Title level={3} style={{ margin: 0 }} data-testid="customer-name">
                {c.name}
              </Typography.Title>
              <Tag color={genderColors[c.gender]}>{t(`customers.gender.${c.gender}`)}</Tag>
              {c.age !== null ? <Tag>{t('customers.ageYears', { count: c.age })}</Tag> : null}
            </Flex>
            <Space size={16} wrap style={{ margin: '6px 0 8px', color: '#666' }}>
              <span data-testid="customer-owner">
                {t('customers.labeled', {
                  label: t('customers.fields.owner'),
                  value: c.owner?.name ?? t('customers.noOwner'),
                })}
              </span>
              {place ? <span>{place}</span> : null}
              {c.source ? (
                <span>
                  {t('customers.labeled', { label: t('customers.fields.source'), value: sourceLabel(t, c.source) })}
                </span>
              ) : null}
            </Space>
            <div>
              <CustomerTags id={c.id} tags={c.tags} editable={canEdit} />
            </div>
          </div>
        </Flex>
        <Space>
          {onEdit ? (
            <Button icon={<EditOutlined />} onClick={onEdit} data-testid="customer-edit">
              {t('common.edit')}
            </Button>
          ) : null}
          {onDelete ? (
            <Button danger icon={<DeleteOutlined />} onClick={onDelete} data-testid="customer-delete">
              {t('common.delete')}
            </Button>
          ) : null}
        </Space>
      </Flex>
    </Card>
  );
}

/** Replaces the address with the survivor's 360 and says why. */
function MergedRedirect({ to }: { to: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  useEffect(() => {
    message.info(t('duplicates.mergedRedirect'));
  }, [message, t]);
  return <Navigate to={`/customers/${to}`} replace />;
}

/** The Customer 360: who they are, how to reach them, what they are worth and everything that happened. */
export function CustomerPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const customer = useCustomer(id);
  const canEdit = useCan('customers.edit');
  const canDelete = useCan('customers.delete');
  const canReveal = useCan('customers.reveal');
  const [editing, setEditing] = useState(false);
  const onDelete = useDeleteFlow(customer.data);

  if (customer.isLoading) return <FullPageSpin />;
  if (customer.error) {
    // a merged record: open the customer it lives in now (docs/decisions/0011-merge.md)
    const into = isApiError(customer.error) ? customer.error.details.mergedInto : null;
    if (typeof into === 'string') return <MergedRedirect to={into} />;
    if (isApiError(customer.error) && (customer.error.status === 404 || customer.error.status === 400))
      return <NotFound />;
    return <ErrorResult error={customer.error} onRetry={() => void customer.refetch()} />;
  }
  const c = customer.data;
  if (!c) return null;

  return (
    <>
      <Link to="/customers" style={{ display: 'inline-block', marginBottom: 12 }} data-testid="back-to-list">
        <ArrowLeftOutlined /> {t('customers.backToList')}
      </Link>
      <Header
        customer={c}
        onEdit={canEdit ? () => setEditing(true) : undefined}
        onDelete={canDelete ? onDelete : undefined}
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={9}>
          <Flex vertical gap={16}>
            <ProfileCard customer={c} />
            <IdentitiesCard customer={c} canReveal={canReveal} />
            <TouchpointsCard customer={c} />
            <ConsentsCard customerId={c.id} />
            <CustomerSegmentsCard customerId={c.id} />
          </Flex>
        </Col>
        <Col xs={24} xl={15}>
          <Flex vertical gap={16}>
            <StatsCards customer={c} />
            <ScoresCard customer={c} />
            <CustomerTimeline customerId={c.id} canAddNote={canEdit} />
          </Flex>
        </Col>
      </Row>
      <CustomerForm customer={editing ? c : null} onClose={() => setEditing(false)} />
    </>
  );
}
