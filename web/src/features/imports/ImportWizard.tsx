import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Flex, Spin, Steps } from 'antd';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { useAttributeDefinitions } from '../customers/api';
import { useDryRun, useImport, useRun, type ImportDetail } from './api';
import { MappingTable } from './MappingTable';
import { OptionsStep, type Options } from './OptionsStep';
import { DryRunResult, Summary, Working } from './ResultSteps';
import { UploadStep } from './UploadStep';

type Step = 'upload' | 'options' | 'mapping' | 'check' | 'import';
const steps: Step[] = ['upload', 'options', 'mapping', 'check', 'import'];

/** Where an import stands decides the step; options and mapping are the user's to walk back to. */
function stepOf(d: ImportDetail): Step {
  if (d.status === 'uploaded') return 'options';
  if (d.status === 'validating' || d.status === 'validated') return 'check';
  if (d.status === 'failed' && !d.startedAt) return 'check';
  return 'import';
}

const optionsOf = (d: ImportDetail): Options => ({
  kind: d.kind ?? 'customers',
  touchpointId: d.touchpointId,
  onMatch: d.onMatch,
});

/**
 * The import wizard: upload → what the file is (kind, touchpoint, policy) → mapping → dry run →
 * run with progress → summary. Everything after the upload lives on the server, so the wizard
 * can be left and reopened from the history.
 */
export function ImportWizard({ id, onOpen }: { id: string | null; onOpen: (id: string | null) => void }) {
  const { t } = useTranslation();
  const imp = useImport(id);
  const attributes = useAttributeDefinitions();
  const dryRun = useDryRun();
  const run = useRun();
  const [editing, setEditing] = useState<Step | null>(null);
  const [options, setOptions] = useState<Options | null>(null);
  const [columns, setColumns] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const d = imp.data;
  const queryClient = useQueryClient();
  const status = d?.status;

  // the history below shows the same import: refresh it when a job ends
  useEffect(() => {
    if (status) void queryClient.invalidateQueries({ queryKey: ['imports', 'list'] });
  }, [status, queryClient]);

  // a different import: start from what the server has for it
  useEffect(() => {
    setEditing(null);
    setOptions(null);
    setColumns(null);
    setError(null);
  }, [id]);

  if (!id) return <UploadStep onUploaded={(newId) => onOpen(newId)} />;
  if (!d) return <Spin />;

  const opts = options ?? optionsOf(d);
  const suggested = d.mapping && d.kind === opts.kind ? d.mapping.columns : d.suggestions[opts.kind].columns;
  const cols = columns ?? suggested;
  const step = editing ?? stepOf(d);

  const startDryRun = () => {
    setError(null);
    dryRun.mutate(
      { id: d.id, body: { ...opts, mapping: { columns: cols } } },
      {
        onSuccess: () => setEditing(null),
        onError: (err) => setError(isApiError(err) ? err.message : t('errors.unexpected')),
      },
    );
  };
  const startRun = () => {
    setError(null);
    run.mutate(d.id, { onError: (err) => setError(isApiError(err) ? err.message : t('errors.unexpected')) });
  };

  return (
    <div data-testid="import-wizard">
      <Steps
        size="small"
        current={steps.indexOf(step)}
        items={steps.map((s) => ({ title: t(`imports.steps.${s}`) }))}
        style={{ marginBottom: 24 }}
      />
      {error ? (
        <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="import-error" />
      ) : null}
      {step === 'options' ? (
        <>
          <OptionsStep
            detail={d}
            value={opts}
            onChange={(v) => {
              if (v.kind !== opts.kind) setColumns(null);
              setOptions(v);
            }}
          />
          <Flex justify="flex-end">
            <Button type="primary" onClick={() => setEditing('mapping')} data-testid="import-next">
              {t('imports.next')}
            </Button>
          </Flex>
        </>
      ) : null}
      {step === 'mapping' ? (
        <>
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 12 }}
            title={
              d.suggestions[opts.kind].remembered ? t('imports.mapping.remembered') : t('imports.mapping.recognised')
            }
          />
          <MappingTable
            kind={opts.kind}
            headers={d.headers}
            samples={d.samples ?? []}
            columns={cols}
            attributes={attributes.data ?? []}
            onChange={setColumns}
          />
          <Flex justify="space-between" style={{ marginTop: 16 }}>
            <Button onClick={() => setEditing('options')}>{t('imports.back')}</Button>
            <Button type="primary" loading={dryRun.isPending} onClick={startDryRun} data-testid="import-dry-run-start">
              {t('imports.mapping.check')}
            </Button>
          </Flex>
        </>
      ) : null}
      {step === 'check' ? (
        d.status === 'validating' ? (
          <Working detail={d} />
        ) : (
          <DryRunResult detail={d} running={run.isPending} onBack={() => setEditing('mapping')} onRun={startRun} />
        )
      ) : null}
      {step === 'import' ? (
        d.status === 'running' ? (
          <Working detail={d} />
        ) : (
          <Summary detail={d} onResume={startRun} onNew={() => onOpen(null)} />
        )
      ) : null}
    </div>
  );
}
