import { Alert, Button, Col, Flex, Progress, Result, Row, Statistic } from 'antd';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import type { ImportDetail } from './api';
import { IssuesPanel } from './IssuesPanel';

function Stat({ title, value, testId, color }: { title: string; value: number; testId: string; color?: string }) {
  const fmt = useFormat();
  return (
    <Col xs={12} md={4}>
      <Statistic
        title={title}
        value={value}
        formatter={(v) => <span data-testid={testId}>{fmt.number(Number(v))}</span>}
        styles={color ? { content: { color } } : undefined}
      />
    </Col>
  );
}

/** While a job runs: its progress and rows so far. */
export function Working({ detail }: { detail: ImportDetail }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const running = detail.status === 'running';
  return (
    <div data-testid="import-working">
      <Progress percent={detail.progress} status="active" data-testid="import-progress" />
      <Flex justify="space-between">
        <span>{running ? t('imports.run.running') : t('imports.dryRun.running')}</span>
        {running && detail.totalRows ? (
          <span>
            {t('imports.run.rows', { done: fmt.number(detail.result.processed), total: fmt.number(detail.totalRows) })}
          </span>
        ) : null}
      </Flex>
    </div>
  );
}

/** The dry run's verdict: how many rows would go in, how many match people Kehu knows, every bad row. */
export function DryRunResult({
  detail,
  onBack,
  onRun,
  running,
}: {
  detail: ImportDetail;
  onBack: () => void;
  onRun: () => void;
  running: boolean;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { valid, invalid, matched } = detail.dryRun;
  const unit = detail.kind === 'orders' ? 'rows' : 'customers';
  return (
    <div data-testid="import-dry-run">
      {detail.error ? <Alert type="error" showIcon title={detail.error.message} style={{ marginBottom: 16 }} /> : null}
      <Row gutter={16}>
        <Stat title={t('imports.dryRun.total')} value={detail.totalRows ?? 0} testId="dry-total" />
        <Stat title={t('imports.dryRun.valid')} value={valid} testId="dry-valid" color="#389e0d" />
        <Stat
          title={t('imports.dryRun.invalid')}
          value={invalid}
          testId="dry-invalid"
          color={invalid ? '#cf1322' : undefined}
        />
        <Stat title={t(`imports.dryRun.matched.${unit}`)} value={matched} testId="dry-matched" />
      </Row>
      <IssuesPanel id={detail.id} phase="dry" count={invalid} />
      <Flex gap={8} justify="flex-end" style={{ marginTop: 16 }}>
        <Button onClick={onBack} data-testid="import-back-to-mapping">
          {t('imports.dryRun.back')}
        </Button>
        <Button
          type="primary"
          disabled={valid === 0 || detail.status !== 'validated'}
          loading={running}
          onClick={onRun}
          data-testid="import-run"
        >
          {t('imports.dryRun.run', { count: valid, formatted: fmt.number(valid) })}
        </Button>
      </Flex>
    </div>
  );
}

/** After the run: what became of the rows, and the rows that did not go in. */
export function Summary({
  detail,
  onResume,
  onNew,
}: {
  detail: ImportDetail;
  onResume: () => void;
  onNew: () => void;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const r = detail.result;
  const failed = detail.status === 'failed';
  const unit = detail.kind === 'orders' ? 'orders' : 'customers';
  return (
    <div data-testid="import-summary">
      <Result
        status={failed ? 'error' : r.failed ? 'warning' : 'success'}
        title={failed ? t('imports.summary.failed') : t('imports.summary.done')}
        subTitle={
          failed
            ? (detail.error?.message ?? '')
            : t('imports.summary.processed', { count: r.processed, formatted: fmt.number(r.processed) })
        }
        extra={
          <Flex gap={8} justify="center">
            {failed ? (
              <Button type="primary" onClick={onResume} data-testid="import-resume">
                {t('imports.summary.resume')}
              </Button>
            ) : null}
            <Button onClick={onNew} data-testid="import-new">
              {t('imports.summary.new')}
            </Button>
          </Flex>
        }
      />
      <Row gutter={16}>
        <Stat title={t(`imports.summary.created.${unit}`)} value={r.created} testId="result-created" color="#389e0d" />
        {unit === 'customers' ? (
          <Stat title={t('imports.summary.updated')} value={r.updated} testId="result-updated" />
        ) : null}
        <Stat title={t(`imports.summary.unchanged.${unit}`)} value={r.unchanged} testId="result-unchanged" />
        {unit === 'customers' ? (
          <Stat title={t('imports.summary.skipped')} value={r.skipped} testId="result-skipped" />
        ) : null}
        <Stat
          title={t(`imports.summary.failedCount.${unit}`)}
          value={r.failed}
          testId="result-failed"
          color={r.failed ? '#cf1322' : undefined}
        />
      </Row>
      <IssuesPanel id={detail.id} phase="run" count={r.failed} />
    </div>
  );
}
