import { useEffect, useState } from 'react';
import { Alert, App, Form, Input, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { applyServerErrors } from '../../components/forms';
import { buttonWithTestId } from '../../components/test-id';
import { useFormat } from '../../i18n/format';
import { useCancelOrder, useRefundOrder, type Order } from './api';
import { moneyPattern, refundable, toFen } from './money';

export type OrderChangeKind = 'cancel' | 'refund';
type Values = { amount?: string; reason?: string };

/** Asks for confirmation (and, for a refund, how much) before changing an order. */
export function OrderChangeModal({
  order,
  kind,
  onClose,
}: {
  order: Order;
  kind: OrderChangeKind | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const cancel = useCancelOrder();
  const refund = useRefundOrder();
  const [error, setError] = useState<string | null>(null);
  const left = refundable(order);

  useEffect(() => {
    if (!kind) return;
    setError(null);
    form.resetFields();
    form.setFieldsValue({ amount: kind === 'refund' ? left : undefined, reason: '' });
  }, [kind, left, form]);

  const submit = async () => {
    const v = await form.validateFields();
    setError(null);
    try {
      if (kind === 'cancel') {
        await cancel.mutateAsync({ id: order.id, reason: v.reason?.trim() || undefined });
        message.success(t('orders.cancelled'));
      } else {
        await refund.mutateAsync({
          id: order.id,
          body: { amount: (v.amount ?? '').trim(), reason: v.reason?.trim() || null },
        });
        message.success(t('orders.refunded'));
      }
      onClose();
    } catch (err) {
      setError(applyServerErrors(form, err, ['amount', 'reason']));
    }
  };

  return (
    <Modal
      open={!!kind}
      title={
        kind === 'cancel'
          ? t('orders.cancelTitle', { id: order.externalId })
          : t('orders.refundTitle', { id: order.externalId })
      }
      onCancel={onClose}
      onOk={() => void submit()}
      okText={kind === 'cancel' ? t('orders.cancelOrder') : t('orders.refund')}
      okButtonProps={buttonWithTestId('order-change-ok', {
        danger: true,
        loading: cancel.isPending || refund.isPending,
      })}
      cancelText={t('common.cancel')}
      destroyOnHidden
      data-testid="order-change-modal"
    >
      <Typography.Paragraph type="secondary">
        {kind === 'cancel' ? t('orders.cancelHint') : t('orders.refundHint', { amount: fmt.money(left) })}
      </Typography.Paragraph>
      {error ? <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} /> : null}
      <Form form={form} layout="vertical" requiredMark="optional" preserve={false}>
        {kind === 'refund' ? (
          <Form.Item
            name="amount"
            label={t('orders.fields.refundAmount')}
            rules={[
              { required: true, message: t('validation.required') },
              { pattern: moneyPattern, message: t('orders.invalidAmount') },
              {
                validator: async (_, value?: string) => {
                  if (!value || !moneyPattern.test(value.trim())) return;
                  const fen = toFen(value);
                  if (fen <= 0n || fen > toFen(left)) throw new Error(t('orders.amountRange', { max: left }));
                },
              },
            ]}
          >
            <Input prefix="¥" inputMode="decimal" data-testid="order-refund-amount" />
          </Form.Item>
        ) : null}
        <Form.Item name="reason" label={t('orders.fields.reason')}>
          <Input.TextArea maxLength={500} rows={2} data-testid="order-change-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
