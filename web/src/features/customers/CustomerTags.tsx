import { useState } from 'react';
import { App, Select, Space, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { useChangeTags, useCustomerTags } from './api';

/** A customer's tags, added and removed right where they are shown (each change is on the timeline). */
export function CustomerTags({ id, tags, editable }: { id: string; tags: string[]; editable: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const vocabulary = useCustomerTags();
  const change = useChangeTags();
  const [adding, setAdding] = useState(false);

  const run = async (body: { add?: string[]; remove?: string[] }) => {
    try {
      await change.mutateAsync({ id, ...body });
    } catch (err) {
      message.error(isApiError(err) ? err.message : t('errors.unexpected'));
    }
  };

  const colorOf = (name: string) => vocabulary.data?.find((v) => v.name === name)?.color ?? undefined;
  return (
    <Space size={[4, 4]} wrap data-testid="customer-tags-inline">
      {tags.map((tag) => (
        <Tag
          key={tag}
          color={colorOf(tag)}
          closable={editable}
          onClose={(e) => {
            e.preventDefault();
            void run({ remove: [tag] });
          }}
          data-testid={`customer-tag-${tag}`}
        >
          {tag}
        </Tag>
      ))}
      {!tags.length && !editable ? <span style={{ color: '#999' }}>{t('customers.noTags')}</span> : null}
      {editable ? (
        adding ? (
          <Select
            autoFocus
            open
            size="small"
            mode="tags"
            style={{ minWidth: 160 }}
            placeholder={t('customers.tagPlaceholder')}
            options={(vocabulary.data ?? [])
              .filter((v) => !tags.includes(v.name))
              .map((v) => ({ value: v.name, label: v.name }))}
            onBlur={() => setAdding(false)}
            onChange={(values: string[]) => {
              setAdding(false);
              const add = values.map((v) => v.trim()).filter((v) => v && !tags.includes(v));
              if (add.length) void run({ add });
            }}
            data-testid="customer-tag-input"
          />
        ) : (
          <Tag
            onClick={() => setAdding(true)}
            style={{ borderStyle: 'dashed', cursor: 'pointer', background: '#fff' }}
            data-testid="customer-tag-add"
          >
            <PlusOutlined /> {t('customers.addTag')}
          </Tag>
        )
      ) : null}
    </Space>
  );
}
