import { useState } from 'react';
import { App, Badge, Button, Card, Dropdown, Flex, Table, Tooltip, Typography, type TableProps } from 'antd';
import { MoreOutlined, PlusOutlined, ShareAltOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { useCan } from '../../app/session';
import { ErrorResult } from '../../components/ErrorResult';
import { PageHeader } from '../../components/PageHeader';
import { buttonWithTestId } from '../../components/test-id';
import { useFormat } from '../../i18n/format';
import { useDeleteForm, useForms, useSaveForm, type Form, type FormStatus } from './api';
import { FormBuilder } from './FormBuilder';
import { ShareModal } from './ShareModal';
import { SubmissionsDrawer } from './SubmissionsDrawer';

const statusBadge = { draft: 'default', published: 'success', closed: 'warning' } as const;

/** Sign-up and subscription forms: build, publish, embed, and see what came in. */
export function FormsPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { message, modal } = App.useApp();
  const canCreate = useCan('ingest.create');
  const canEdit = useCan('ingest.edit');
  const canDelete = useCan('ingest.delete');
  const list = useForms();
  const save = useSaveForm();
  const remove = useDeleteForm();
  const [editing, setEditing] = useState<Form | 'new' | null>(null);
  const [sharing, setSharing] = useState<Form | null>(null);
  const [viewing, setViewing] = useState<Form | null>(null);

  const failed = (err: unknown) => message.error(isApiError(err) ? err.message : t('errors.unexpected'));

  const setStatus = async (form: Form, status: FormStatus) => {
    try {
      const saved = await save.mutateAsync({ id: form.id, body: { status } });
      message.success(t(`forms.statusChanged.${status}`));
      if (status === 'published') setSharing(saved);
    } catch (err) {
      failed(err);
    }
  };

  const confirmDelete = (form: Form) =>
    modal.confirm({
      title: t('forms.deleteConfirm', { name: form.name }),
      content: t('forms.deleteHint'),
      okText: t('common.delete'),
      okButtonProps: buttonWithTestId('confirm-ok', { danger: true }),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await remove.mutateAsync(form.id);
          message.success(t('common.deleted'));
        } catch (err) {
          failed(err);
        }
      },
    });

  if (list.error) return <ErrorResult error={list.error} onRetry={() => void list.refetch()} />;

  const columns: TableProps<Form>['columns'] = [
    {
      title: t('forms.fields.name'),
      dataIndex: 'name',
      render: (name: string, f) => (
        <Flex vertical>
          {canEdit ? (
            <a onClick={() => setEditing(f)} data-testid={`form-row-${f.slug}`}>
              {name}
            </a>
          ) : (
            <span data-testid={`form-row-${f.slug}`}>{name}</span>
          )}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {f.path}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('forms.fields.status'),
      dataIndex: 'status',
      width: 110,
      render: (s: FormStatus, f) => (
        <Badge status={statusBadge[s]} text={t(`forms.status.${s}`)} data-testid={`form-status-${f.slug}`} />
      ),
    },
    {
      title: t('forms.fields.submissions'),
      key: 'submissions',
      align: 'right',
      width: 120,
      render: (_, f) => (
        <a onClick={() => setViewing(f)} data-testid={`form-submissions-${f.slug}`}>
          {fmt.number(f.counts.submissions)}
        </a>
      ),
    },
    {
      title: (
        <Tooltip title={t('forms.fields.confirmedHint')}>
          <span>{t('forms.fields.confirmed')}</span>
        </Tooltip>
      ),
      key: 'confirmed',
      align: 'right',
      width: 110,
      render: (_, f) => (f.doubleOptIn ? fmt.number(f.counts.confirmed) : '—'),
    },
    {
      title: (
        <Tooltip title={t('forms.fields.blockedHint')}>
          <span>{t('forms.fields.blocked')}</span>
        </Tooltip>
      ),
      key: 'blocked',
      align: 'right',
      width: 110,
      render: (_, f) => fmt.number(f.counts.blocked),
    },
    {
      title: t('forms.fields.lastSubmissionAt'),
      dataIndex: 'lastSubmissionAt',
      width: 170,
      render: (v: string | null) => fmt.dateTime(v),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 150,
      render: (_, f) => (
        <Flex gap={4} align="center">
          <Button
            size="small"
            icon={<ShareAltOutlined />}
            onClick={() => setSharing(f)}
            data-testid={`form-share-${f.slug}`}
          >
            {t('forms.share.button')}
          </Button>
          {canEdit || canDelete ? (
            <Dropdown
              trigger={['click']}
              menu={{
                items: [
                  ...(canEdit
                    ? [
                        { key: 'edit', label: t('common.edit'), onClick: () => setEditing(f) },
                        f.status === 'published'
                          ? {
                              key: 'close',
                              label: t('forms.actions.close'),
                              onClick: () => void setStatus(f, 'closed'),
                            }
                          : {
                              key: 'publish',
                              label: t('forms.actions.publish'),
                              onClick: () => void setStatus(f, 'published'),
                            },
                      ]
                    : []),
                  ...(canDelete
                    ? [
                        {
                          key: 'delete',
                          danger: true,
                          label: t('common.delete'),
                          disabled: f.counts.submissions > 0,
                          onClick: () => confirmDelete(f),
                        },
                      ]
                    : []),
                ],
              }}
            >
              <Button
                size="small"
                icon={<MoreOutlined />}
                data-testid={`form-more-${f.slug}`}
                aria-label={t('common.actions')}
              />
            </Dropdown>
          ) : null}
        </Flex>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.items.forms')}
        description={t('forms.description')}
        extra={
          canCreate ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="form-create">
              {t('forms.create')}
            </Button>
          ) : null
        }
      />
      <Card>
        <Table<Form>
          rowKey="id"
          loading={list.isLoading}
          columns={columns}
          dataSource={list.data ?? []}
          pagination={false}
          locale={{ emptyText: t('forms.empty') }}
          data-testid="forms-table"
        />
      </Card>
      <FormBuilder form={editing} onClose={() => setEditing(null)} />
      <ShareModal form={sharing} onClose={() => setSharing(null)} />
      <SubmissionsDrawer form={viewing} onClose={() => setViewing(null)} />
    </>
  );
}
