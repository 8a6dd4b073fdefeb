import { useState } from 'react';
import { Alert, App, Button, Flex, Form, Modal, Select, Typography } from 'antd';
import { TagsOutlined, UserSwitchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { buttonWithTestId } from '../../components/test-id';
import { useBulkAction, useCustomerTags, useStaffOptions, type BulkAction } from './api';
import { AddToSegmentButton } from '../segments/AddToSegment';

/** What to do to the selected customers: add or remove tags, or hand them to another owner. */
export function BulkActions({
  ids,
  canAssignOwner,
  onDone,
}: {
  ids: string[];
  canAssignOwner: boolean;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [action, setAction] = useState<BulkAction | null>(null);
  const [tags, setTags] = useState<string[]>([]);
  const [ownerId, setOwnerId] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const tagOptions = useCustomerTags();
  const staff = useStaffOptions(canAssignOwner);
  const bulk = useBulkAction();

  const open = (a: BulkAction) => {
    setAction(a);
    setTags([]);
    setOwnerId(undefined);
    setError(null);
  };

  const submit = async () => {
    if (!action) return;
    try {
      const res = await bulk.mutateAsync(
        action === 'assignOwner' ? { ids, action, ownerId: ownerId ?? null } : { ids, action, tags },
      );
      message.success(t('customers.bulk.done', { count: res.affected }));
      setAction(null);
      onDone();
    } catch (err) {
      setError(isApiError(err) ? err.message : t('errors.unexpected'));
    }
  };

  const ready = action === 'assignOwner' ? !!ownerId : tags.length > 0;
  return (
    <Flex
      align="center"
      gap={8}
      wrap
      style={{ padding: '8px 12px', marginBottom: 12, background: '#e6f4ff', borderRadius: 6 }}
      data-testid="bulk-bar"
    >
      <Typography.Text strong>{t('customers.bulk.selected', { count: ids.length })}</Typography.Text>
      <Button size="small" icon={<TagsOutlined />} onClick={() => open('addTags')} data-testid="bulk-add-tags">
        {t('customers.bulk.addTags')}
      </Button>
      <Button size="small" onClick={() => open('removeTags')} data-testid="bulk-remove-tags">
        {t('customers.bulk.removeTags')}
      </Button>
      {canAssignOwner ? (
        <Button
          size="small"
          icon={<UserSwitchOutlined />}
          onClick={() => open('assignOwner')}
          data-testid="bulk-assign-owner"
        >
          {t('customers.bulk.assignOwner')}
        </Button>
      ) : null}
      <AddToSegmentButton ids={ids} onDone={onDone} />
      <Button size="small" type="link" onClick={onDone} data-testid="bulk-clear">
        {t('customers.bulk.clear')}
      </Button>
      <Modal
        open={!!action}
        title={action ? t(`customers.bulk.${action}Title`, { count: ids.length }) : ''}
        onCancel={() => setAction(null)}
        onOk={() => void submit()}
        okText={t('customers.bulk.apply')}
        cancelText={t('common.cancel')}
        okButtonProps={buttonWithTestId('bulk-submit', { disabled: !ready, loading: bulk.isPending })}
        destroyOnHidden
      >
        {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} /> : null}
        <Form layout="vertical">
          {action === 'assignOwner' ? (
            <Form.Item label={t('customers.fields.owner')}>
              <Select
                value={ownerId}
                onChange={setOwnerId}
                showSearch={{ optionFilterProp: 'label' }}
                options={(staff.data ?? []).map((u) => ({ value: u.id, label: `${u.name} · ${u.email}` }))}
                loading={staff.isLoading}
                data-testid="bulk-owner"
              />
            </Form.Item>
          ) : (
            <Form.Item label={t('customers.fields.tags')}>
              <Select
                mode={action === 'addTags' ? 'tags' : 'multiple'}
                value={tags}
                onChange={setTags}
                options={(tagOptions.data ?? []).map((tg) => ({ value: tg.name, label: tg.name }))}
                tokenSeparators={[',', '，']}
                data-testid="bulk-tags"
              />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </Flex>
  );
}
