import type { ReactNode } from 'react';
import { rfmText, ScoreTag, scoresOf } from './ScoreTags';

type T = (key: string, opts?: Record<string, unknown>) => string;

// Exports do not offer the computed values yet (customer-export.columns.ts): showing these columns
// must not make an export ask for columns it would refuse.
const noExport: string[] = [];

/** The customer list's optional columns for computed values (the column chooser offers them). */
export function scoreColumns(
  t: T,
): { key: string; title: string; exportColumns: string[]; render: (c: unknown) => ReactNode }[] {
  const named = (key: 'rfmClass' | 'rfmSegment', prefix: string) => ({
    key,
    title: t(`scoring.fields.${key}`),
    exportColumns: noExport,
    render: (c: unknown) => {
      const v = scoresOf(c)?.[key];
      return v ? t(`${prefix}.${v}`, { defaultValue: v }) : '—';
    },
  });
  const tag = (key: 'abcClass' | 'valueTier' | 'grade' | 'lifecycleStage') => ({
    key,
    title: t(`scoring.fields.${key}`),
    exportColumns: noExport,
    render: (c: unknown) => <ScoreTag kind={key} value={scoresOf(c)?.[key]} />,
  });
  return [
    {
      key: 'rfmScores',
      title: t('scoring.fields.rfmScores'),
      exportColumns: noExport,
      render: (c: unknown) => rfmText(scoresOf(c)),
    },
    named('rfmClass', 'scoring.rfmClasses'),
    named('rfmSegment', 'scoring.rfmSegments'),
    tag('abcClass'),
    tag('valueTier'),
    tag('grade'),
    tag('lifecycleStage'),
  ];
}
