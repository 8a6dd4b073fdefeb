import { Alert, Typography, Upload } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { useUpload } from './api';

/** Drag and drop (or pick) one CSV or XLSX file; it is sent as it is and checked on the way in. */
export function UploadStep({ onUploaded }: { onUploaded: (id: string) => void }) {
  const { t } = useTranslation();
  const upload = useUpload();
  const [error, setError] = useState<string | null>(null);

  return (
    <div data-testid="import-upload">
      {error ? (
        <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="import-upload-error" />
      ) : null}
      <Upload.Dragger
        accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        multiple={false}
        showUploadList={false}
        disabled={upload.isPending}
        customRequest={({ file }) => {
          setError(null);
          upload.mutate(file as File, {
            onSuccess: (d) => onUploaded(d.id),
            onError: (err) => setError(isApiError(err) ? err.message : t('errors.unexpected')),
          });
        }}
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{upload.isPending ? t('imports.upload.sending') : t('imports.upload.drop')}</p>
        <p className="ant-upload-hint">{t('imports.upload.hint')}</p>
      </Upload.Dragger>
      <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
        {t('imports.upload.kinds')}
      </Typography.Paragraph>
    </div>
  );
}
