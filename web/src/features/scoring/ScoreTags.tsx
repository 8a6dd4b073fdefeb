import { Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CustomerScores } from './api';
import { tagColors } from './labels';

/** A customer's computed values, or null when never scored (the list rows and the 360 both carry them). */
export function scoresOf(c: unknown): CustomerScores | null {
  return (c as { scores?: CustomerScores | null }).scores ?? null;
}

type TagKey = keyof typeof tagColors;
const prefixes: Record<TagKey, string> = {
  valueTier: 'scoring.valueTiers',
  grade: 'scoring.grades',
  abcClass: 'scoring.abcClasses',
  lifecycleStage: 'scoring.stages',
};

/** One computed value as a coloured tag in the reader's language ("—" when not scored). */
export function ScoreTag({ kind, value }: { kind: TagKey; value: string | null | undefined }) {
  const { t } = useTranslation();
  if (!value) return <Typography.Text type="secondary">—</Typography.Text>;
  const colors = tagColors[kind] as Record<string, string>;
  return (
    <Tag color={colors[value] ?? 'default'} data-testid={`score-${kind}`}>
      {kind === 'abcClass' ? value : t(`${prefixes[kind]}.${value}`, { defaultValue: value })}
    </Tag>
  );
}

/** "R5 F3 M4" */
export const rfmText = (s: CustomerScores | null) =>
  s && s.rScore != null ? `R${s.rScore} F${s.fScore ?? '–'} M${s.mScore ?? '–'}` : '—';
