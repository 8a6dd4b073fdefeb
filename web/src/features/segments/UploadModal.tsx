import { useState } from 'react';
import { Alert, Descriptions, Input, Modal, Typography, Upload } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { buttonWithTestId } from '../../components/test-id';
import { useFormat } from '../../i18n/format';
import { useUploadMembers, type UploadResult } from './api';

/** Adds customers to a static segment from a pasted or uploaded list (mobiles, emails or ids, one a line). */
export function UploadModal({ segmentId, open, onClose }: { segmentId: string; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [text, setText] = useState('');
  const [result, setResult] = useState<UploadResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const upload = useUploadMembers();
  const lines = text.split(/\r?\n/).filter((l) => l.trim()).length;

  const close = () => {
    setText('');
    setResult(null);
    setError(null);
    onClose();
  };
  const submit = async () => {
    setError(null);
    try {
      setResult(await upload.mutateAsync({ id: segmentId, text }));
      setText('');
    } catch (err) {
      setError(isApiError(err) ? err.message : t('errors.unexpected'));
    }
  };

  return (
    <Modal
      open={open}
      title={t('segments.upload.title')}
      onCancel={close}
      onOk={() => void submit()}
      okText={t('segments.upload.submit', { count: lines })}
      okButtonProps={buttonWithTestId('upload-submit', { disabled: !lines, loading: upload.isPending })}
      cancelText={t('common.close')}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('segments.upload.hint')}</Typography.Paragraph>
      <Input.TextArea
        value={text}
        onChange={(e) => setText(e.target.value)}
        rows={8}
        placeholder={'13800138000\nli.na@example.com'}
        data-testid="upload-text"
      />
      <Upload
        accept=".csv,.txt"
        showUploadList={false}
        beforeUpload={(file) => {
          void file.text().then((content) => setText((prev) => (prev ? `${prev}\n${content}` : content)));
          return false;
        }}
      >
        <Typography.Link style={{ display: 'inline-block', marginTop: 8 }}>
          <UploadOutlined /> {t('segments.upload.file')}
        </Typography.Link>
      </Upload>
      {error ? <Alert type="error" showIcon title={error} style={{ marginTop: 12 }} /> : null}
      {result ? (
        <Descriptions size="small" column={3} bordered style={{ marginTop: 12 }} data-testid="upload-result">
          <Descriptions.Item label={t('segments.upload.matched')}>{fmt.number(result.matched)}</Descriptions.Item>
          <Descriptions.Item label={t('segments.upload.added')}>{fmt.number(result.added)}</Descriptions.Item>
          <Descriptions.Item label={t('segments.upload.unmatched')}>{fmt.number(result.unmatched)}</Descriptions.Item>
        </Descriptions>
      ) : null}
      {result?.unmatchedLines.length ? (
        <div style={{ marginTop: 12 }} data-testid="upload-unmatched">
          <Typography.Text type="secondary">{t('segments.upload.unmatchedLines')}</Typography.Text>
          <Typography.Paragraph code style={{ maxHeight: 120, overflow: 'auto', whiteSpace: 'pre-wrap' }}>
            {result.unmatchedLines.join('\n')}
          </Typography.Paragraph>
        </div>
      ) : null}
    </Modal>
  );
}
