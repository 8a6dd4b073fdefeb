import { useState } from 'react';
import { Alert, App, Button, Form, Modal, Select } from 'antd';
import { UsergroupAddOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { useCan } from '../../app/session';
import { buttonWithTestId } from '../../components/test-id';
import { useAddMembers, useSegments } from './api';

/** In the customer list's bulk bar: put the selected customers into a static segment by hand. */
export function AddToSegmentButton({ ids, onDone }: { ids: string[]; onDone: () => void }) {
  const canEdit = useCan('segments.edit');
  if (!canEdit) return null;
  return <AddToSegment ids={ids} onDone={onDone} />;
}

function AddToSegment({ ids, onDone }: { ids: string[]; onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [segmentId, setSegmentId] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const segments = useSegments();
  const add = useAddMembers();
  const statics = (segments.data ?? []).filter((s) => s.kind === 'static');

  const submit = async () => {
    if (!segmentId) return;
    setError(null);
    try {
      const res = await add.mutateAsync({ id: segmentId, customerIds: ids });
      message.success(t('segments.addToSegment.done', { count: res.affected }));
      setOpen(false);
      onDone();
    } catch (err) {
      setError(isApiError(err) ? err.message : t('errors.unexpected'));
    }
  };

  return (
    <>
      <Button
        size="small"
        icon={<UsergroupAddOutlined />}
        onClick={() => {
          setSegmentId(undefined);
          setError(null);
          setOpen(true);
        }}
        data-testid="bulk-add-to-segment"
      >
        {t('segments.addToSegment.button')}
      </Button>
      <Modal
        open={open}
        title={t('segments.addToSegment.title', { count: ids.length })}
        onCancel={() => setOpen(false)}
        onOk={() => void submit()}
        okText={t('segments.addToSegment.submit')}
        cancelText={t('common.cancel')}
        okButtonProps={buttonWithTestId('add-to-segment-submit', { disabled: !segmentId, loading: add.isPending })}
        destroyOnHidden
      >
        {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} /> : null}
        <Form layout="vertical">
          <Form.Item label={t('segments.addToSegment.segment')} extra={t('segments.addToSegment.hint')}>
            <Select
              value={segmentId}
              onChange={setSegmentId}
              showSearch={{ optionFilterProp: 'label' }}
              options={statics.map((s) => ({ value: s.id, label: s.name }))}
              loading={segments.isLoading}
              notFoundContent={t('segments.addToSegment.none')}
              data-testid="add-to-segment-select"
            />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
