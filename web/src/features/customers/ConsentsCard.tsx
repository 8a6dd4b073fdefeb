import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Empty,
  Flex,
  Form,
  Input,
  Modal,
  Radio,
  Select,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { HistoryOutlined, PlusOutlined } from '@ant-design/icons';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../app/session';
import { applyServerErrors } from '../../components/forms';
import { buttonWithTestId } from '../../components/test-id';
import { useFormat } from '../../i18n/format';
import {
  consentChannels,
  consentPurposes,
  useConsents,
  useRecordConsent,
  type ConsentRecord,
  type ConsentStatus,
  type RecordConsentBody,
} from './consents-api';

const statusColors: Record<ConsentStatus, string> = { granted: 'green', pending: 'orange', withdrawn: 'default' };

/** Where a consent came from, in words: a form, a staff member, an import. */
export function consentSource(t: TFunction, source: string): string {
  const kind = source.split(':')[0] ?? source;
  return t(`consents.sources.${kind}`, { defaultValue: source });
}

const what = (t: TFunction, c: { purpose: string; channel: string }) =>
  `${t(`consents.purposes.${c.purpose}`, { defaultValue: c.purpose })} · ${t(`consents.channels.${c.channel}`, { defaultValue: c.channel })}`;

function History({ items }: { items: ConsentRecord[] }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  return (
    <Timeline
      items={items.map((h) => ({
        color: statusColors[h.status] === 'default' ? 'gray' : statusColors[h.status],
        content: (
          <div data-testid={`consent-history-${h.id}`}>
            <Flex gap={8} align="center" wrap>
              <Tag color={statusColors[h.status]}>{t(`consents.status.${h.status}`)}</Tag>
              <Typography.Text strong>{what(t, h)}</Typography.Text>
              <Typography.Text type="secondary">{fmt.dateTime(h.at)}</Typography.Text>
            </Flex>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('consents.via', { source: consentSource(t, h.source) })}
              {h.actor ? ` · ${h.actor.name}` : ''}
              {h.policyVersion ? ` · ${t('consents.version', { version: h.policyVersion })}` : ''}
              {h.evidence.confirmedBy === 'email' ? ` · ${t('consents.confirmedByEmail')}` : ''}
            </Typography.Text>
            {h.policyText ? (
              <Typography.Paragraph
                type="secondary"
                ellipsis={{ rows: 2, expandable: true, symbol: t('consents.more') }}
                style={{ whiteSpace: 'pre-line', margin: '4px 0 0', fontSize: 13 }}
              >
                {h.policyText}
              </Typography.Paragraph>
            ) : null}
          </div>
        ),
      }))}
    />
  );
}

function RecordModal({ customerId, onClose }: { customerId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<RecordConsentBody>();
  const record = useRecordConsent(customerId);
  const granted = Form.useWatch('granted', form) as boolean | undefined;
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    const v = await form.validateFields();
    setError(null);
    try {
      await record.mutateAsync(v);
      message.success(t('consents.recorded'));
      onClose();
    } catch (err) {
      setError(applyServerErrors(form, err, ['purpose', 'channel', 'granted', 'policyText', 'policyVersion']));
    }
  };

  return (
    <Modal
      open
      title={t('consents.record')}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={record.isPending}
      okButtonProps={buttonWithTestId('consent-save')}
      data-testid="consent-record-modal"
    >
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} /> : null}
      <Form form={form} layout="vertical" initialValues={{ purpose: 'marketing', channel: 'sms', granted: true }}>
        <Flex gap={8}>
          <Form.Item name="purpose" label={t('consents.purpose')} style={{ flex: 1 }}>
            <Select
              options={consentPurposes.map((p) => ({ value: p, label: t(`consents.purposes.${p}`) }))}
              data-testid="consent-purpose"
            />
          </Form.Item>
          <Form.Item name="channel" label={t('consents.channel')} style={{ flex: 1 }}>
            <Select
              options={consentChannels.map((c) => ({ value: c, label: t(`consents.channels.${c}`) }))}
              data-testid="consent-channel"
            />
          </Form.Item>
        </Flex>
        <Form.Item name="granted" label={t('consents.decision')}>
          <Radio.Group
            optionType="button"
            options={[
              { value: true, label: t('consents.grant') },
              { value: false, label: t('consents.withdraw') },
            ]}
            data-testid="consent-decision"
          />
        </Form.Item>
        <Form.Item
          name="policyText"
          label={t('consents.policyText')}
          extra={granted ? t('consents.policyTextHint') : t('consents.withdrawHint')}
          rules={granted ? [{ required: true, whitespace: true, message: t('validation.required') }] : []}
        >
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={10_000} data-testid="consent-text" />
        </Form.Item>
        <Form.Item name="policyVersion" label={t('consents.policyVersion')}>
          <Input maxLength={50} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The customer's consent per purpose and channel, where each came from, and its history. */
export function ConsentsCard({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const canEdit = useCan('customers.edit');
  const consents = useConsents(customerId);
  const [showHistory, setShowHistory] = useState(false);
  const [recording, setRecording] = useState(false);
  const current = consents.data?.current ?? [];
  const history = consents.data?.history ?? [];

  return (
    <Card
      size="small"
      title={t('consents.title')}
      loading={consents.isLoading}
      extra={
        <Flex gap={4}>
          {history.length ? (
            <Button
              size="small"
              type="link"
              icon={<HistoryOutlined />}
              onClick={() => setShowHistory(true)}
              data-testid="consents-history"
            >
              {t('consents.history', { count: history.length })}
            </Button>
          ) : null}
          {canEdit ? (
            <Button
              size="small"
              icon={<PlusOutlined />}
              onClick={() => setRecording(true)}
              data-testid="consents-record"
            >
              {t('consents.recordShort')}
            </Button>
          ) : null}
        </Flex>
      }
      data-testid="consents-card"
    >
      {current.length ? (
        <Flex vertical gap={8}>
          {current.map((c) => (
            <Flex
              key={`${c.purpose}:${c.channel}`}
              justify="space-between"
              align="center"
              gap={8}
              data-testid={`consent-${c.purpose}-${c.channel}`}
            >
              <span>
                <Typography.Text>{what(t, c)}</Typography.Text>{' '}
                <Tag color={statusColors[c.status]} data-testid={`consent-status-${c.purpose}-${c.channel}`}>
                  {t(`consents.status.${c.status}`)}
                </Tag>
              </span>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {consentSource(t, c.source)} · {fmt.date(c.at)}
              </Typography.Text>
            </Flex>
          ))}
        </Flex>
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('consents.none')} style={{ margin: 0 }} />
      )}
      <Modal
        open={showHistory}
        title={t('consents.historyTitle')}
        footer={null}
        onCancel={() => setShowHistory(false)}
        width={640}
        data-testid="consents-history-modal"
      >
        <History items={history} />
      </Modal>
      {recording ? <RecordModal customerId={customerId} onClose={() => setRecording(false)} /> : null}
    </Card>
  );
}
