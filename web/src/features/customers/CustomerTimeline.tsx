import { useEffect, useRef, useState } from 'react';
import { App, Button, Card, Empty, Flex, Input, Segmented, Spin, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { ErrorResult } from '../../components/ErrorResult';
import { useFormat } from '../../i18n/format';
import { activitySentence, kindGroups, kindStyle } from './activity';
import { useAddNote, useAttributeDefinitions, useTimeline, type Activity } from './api';

type GroupKey = (typeof kindGroups)[number]['key'];

/**
 * Calls `onVisible` whenever the element scrolls into view (the timeline's "load more"). It
 * observes afresh when `generation` changes, so a sentinel still in view after a short page
 * asks again.
 */
function useSentinel(onVisible: () => void, generation: number) {
  const ref = useRef<HTMLDivElement>(null);
  const callback = useRef(onVisible);
  callback.current = onVisible;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) callback.current();
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [generation]);
  return ref;
}

function NoteBox({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [text, setText] = useState('');
  const add = useAddNote();
  const submit = async () => {
    if (!text.trim()) return;
    try {
      await add.mutateAsync({ id: customerId, text: text.trim() });
      setText('');
    } catch (err) {
      message.error(isApiError(err) ? err.message : t('errors.unexpected'));
    }
  };
  return (
    <Flex vertical gap={8} style={{ marginBottom: 16 }}>
      <Input.TextArea
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder={t('timeline.notePlaceholder')}
        autoSize={{ minRows: 2, maxRows: 6 }}
        maxLength={2000}
        onPressEnter={(e) => {
          if (e.ctrlKey || e.metaKey) void submit();
        }}
        data-testid="note-text"
      />
      <Flex justify="space-between" align="center">
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('timeline.noteHint')}
        </Typography.Text>
        <Button
          type="primary"
          disabled={!text.trim()}
          loading={add.isPending}
          onClick={() => void submit()}
          data-testid="note-add"
        >
          {t('timeline.addNote')}
        </Button>
      </Flex>
    </Flex>
  );
}

function ActivityContent({ a, sentence }: { a: Activity; sentence: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const meta = [fmt.dateTime(a.at), a.actor?.name, a.touchpoint ? t('timeline.at', { name: a.touchpoint.name }) : null]
    .filter(Boolean)
    .join(' · ');
  const note = a.kind === 'note.added' && typeof a.summary.text === 'string' ? a.summary.text : null;
  return (
    <div data-testid="timeline-item" data-kind={a.kind}>
      <Typography.Text>{sentence}</Typography.Text>
      {note ? (
        <Typography.Paragraph
          style={{
            whiteSpace: 'pre-wrap',
            background: '#fffbe6',
            border: '1px solid #ffe58f',
            borderRadius: 6,
            padding: '6px 10px',
            margin: '6px 0 0',
          }}
        >
          {note}
        </Typography.Paragraph>
      ) : null}
      <div>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {meta}
        </Typography.Text>
      </div>
    </div>
  );
}

/**
 * Everything that happened to the customer, newest first, one list for every module. Filtered
 * by kind; the next page loads when the end of the list scrolls into view.
 */
export function CustomerTimeline({ customerId, canAddNote }: { customerId: string; canAddNote: boolean }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const definitions = useAttributeDefinitions();
  const [group, setGroup] = useState<GroupKey>('all');
  const kinds = kindGroups.find((g) => g.key === group)?.kinds ?? '';
  const timeline = useTimeline(customerId, kinds);
  const items = timeline.data?.pages.flatMap((p) => p.items) ?? [];
  const sentinel = useSentinel(() => {
    if (timeline.hasNextPage && !timeline.isFetchingNextPage && !timeline.isError) void timeline.fetchNextPage();
  }, timeline.data?.pages.length ?? 0);

  return (
    <Card
      title={t('timeline.title')}
      size="small"
      extra={
        <Segmented<GroupKey>
          size="small"
          value={group}
          onChange={setGroup}
          options={kindGroups.map((g) => ({ value: g.key, label: t(`timeline.filters.${g.key}`) }))}
          data-testid="timeline-filter"
        />
      }
      data-testid="timeline"
    >
      {canAddNote ? <NoteBox customerId={customerId} /> : null}
      {timeline.error && !items.length ? (
        <ErrorResult error={timeline.error} onRetry={() => void timeline.refetch()} />
      ) : timeline.isLoading ? (
        <Flex justify="center" style={{ padding: 24 }}>
          <Spin />
        </Flex>
      ) : items.length ? (
        <Timeline
          style={{ marginTop: 8 }}
          items={items.map((a) => {
            const style = kindStyle(a.kind);
            return {
              key: a.id,
              color: style.color,
              icon: <span style={{ color: style.color, fontSize: 16 }}>{style.icon}</span>,
              content: (
                <ActivityContent a={a} sentence={activitySentence(a, t, fmt, definitions.data ?? [], i18n.language)} />
              ),
            };
          })}
        />
      ) : (
        <Empty description={t('timeline.empty')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
      )}
      <div ref={sentinel} style={{ height: 1 }} />
      {timeline.isFetchingNextPage ? (
        <Flex justify="center" style={{ padding: 8 }}>
          <Spin size="small" />
        </Flex>
      ) : null}
      {!timeline.hasNextPage && items.length > 10 ? (
        <Typography.Text type="secondary" style={{ display: 'block', textAlign: 'center', fontSize: 12 }}>
          {t('timeline.end')}
        </Typography.Text>
      ) : null}
    </Card>
  );
}
