import { useState } from 'react';
import { Button, Flex } from 'antd';
import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';

/** Keyset paging: the server hands out a cursor for the next page; we remember the way back. */
export function useCursorPager() {
  const [stack, setStack] = useState<(string | null)[]>([null]);
  const cursor = stack[stack.length - 1];
  return {
    cursor,
    page: stack.length,
    next: (nextCursor: string) => setStack((s) => [...s, nextCursor]),
    prev: () => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)),
    reset: () => setStack([null]),
  };
}

export function CursorPager({
  pager,
  nextCursor,
  loading,
}: {
  pager: ReturnType<typeof useCursorPager>;
  nextCursor: string | null | undefined;
  loading?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Flex justify="flex-end" align="center" gap={8} style={{ marginTop: 16 }}>
      <span style={{ color: '#888' }}>{t('pager.page', { page: pager.page })}</span>
      <Button
        icon={<LeftOutlined />}
        disabled={pager.page <= 1 || loading}
        onClick={pager.prev}
        data-testid="pager-prev"
      >
        {t('pager.prev')}
      </Button>
      <Button
        disabled={!nextCursor || loading}
        onClick={() => nextCursor && pager.next(nextCursor)}
        data-testid="pager-next"
      >
        {t('pager.next')} <RightOutlined />
      </Button>
    </Flex>
  );
}
