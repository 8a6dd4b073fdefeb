import type { ReactNode } from 'react';
import { rfmText, ScoreTag, scoresOf } from './ScoreTags';

type T = (key: string, opts?: Record<string, unknown>) => string;

/** The customer list's optional columns for computed values (the column chooser offers them). */
export function scoreColumns(
  t: T,
): { key: string; title: string; exportColumns: string[]; render: (c: unknown) => ReactNode }[] {
  const named = (key: 'rfmClass' | 'rfmSegment', prefix: string) => ({
    key,
    title: t(`scoring.fields.${key}`),
    exportColumns: [key],
    render: (c: unknown) => {
      const v = scoresOf(c)?.[key];
      return v ? t(`${prefix}.${v}`, { defaultValue: v }) : '—';
    },
  });
  const tag = (key: 'abcClass' | 'valueTier' | 'grade' | 'lifecycleStage') => ({
    key,
    title: t(`scoring.fields.${key}`),
    exportColumns: [key],
    render: (c: unknown) => <ScoreTag kind={key} value={scoresOf(c)?.[key]} />,
  });
  return [
    {
      key: 'rfmScores',
      title: t('scoring.fields.rfmScores'),
      exportColumns: ['rScore', 'fScore', 'mScore'],
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
