import { Col, Divider, Form, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import {
  scoreFilterKeys,
  scoreFilterOptions,
  scoreValues,
  type AbcClass,
  type Grade,
  type LifecycleStage,
  type RfmClass,
  type RfmSegment,
  type ValueTier,
} from './labels';

/** The customer list's filters by computed values (each a set of codes; scores a set of 1–5). */
export type ScoreFilters = {
  rfmClass?: RfmClass[];
  rfmSegment?: RfmSegment[];
  abcClass?: AbcClass[];
  valueTier?: ValueTier[];
  grade?: Grade[];
  lifecycleStage?: LifecycleStage[];
  rScore?: number[];
  fScore?: number[];
};

const scoreKeys = ['rScore', 'fScore'] as const;
export const allScoreFilterKeys = [...scoreFilterKeys, ...scoreKeys] as const;

/**
 * The score filters an address carries (`/customers?rScore=5&fScore=4`, `?lifecycleStage=dormant`),
 * as the grades and lifecycle pages link to them. Unknown codes are dropped.
 */
export function scoreFiltersFromUrl(params: URLSearchParams): ScoreFilters {
  const out: ScoreFilters = {};
  for (const key of scoreFilterKeys) {
    const codes = params.getAll(key).flatMap((v) => v.split(','));
    const known = codes.filter((c) => scoreFilterOptions[key].codes.includes(c));
    // the codes were checked against the key's list just above
    if (known.length) (out as Record<string, string[]>)[key] = known;
  }
  for (const key of scoreKeys) {
    const scores = params
      .getAll(key)
      .flatMap((v) => v.split(','))
      .map(Number)
      .filter((n) => Number.isInteger(n) && n >= 1 && n <= 5);
    if (scores.length) out[key] = scores;
  }
  return out;
}

/** How many score filters are in force (for the Filters badge). */
export const countScoreFilters = (f: ScoreFilters) => allScoreFilterKeys.filter((k) => f[k]?.length).length;

/** The panel's score filters (form names = filter names), laid out in the panel's grid. */
export function ScoreFilterFields({ span }: { span: Record<string, number> }) {
  const { t } = useTranslation();
  return (
    <>
      <Col span={24}>
        <Divider titlePlacement="start" plain style={{ margin: '0 0 12px' }}>
          {t('scoring.filters.section')}
        </Divider>
      </Col>
      {scoreFilterKeys.map((key) => (
        <Col {...span} key={key}>
          <Form.Item name={key} label={t(`scoring.fields.${key}`)}>
            <Select
              mode="multiple"
              allowClear
              maxTagCount="responsive"
              options={scoreFilterOptions[key].codes.map((c) => ({
                value: c,
                label: t(`${scoreFilterOptions[key].label}.${c}`),
              }))}
              data-testid={`filter-${key}`}
            />
          </Form.Item>
        </Col>
      ))}
      {scoreKeys.map((key) => (
        <Col {...span} key={key}>
          <Form.Item name={key} label={t(`scoring.filters.${key}`)}>
            <Select
              mode="multiple"
              allowClear
              options={scoreValues.map((n) => ({ value: n, label: String(n) }))}
              data-testid={`filter-${key}`}
            />
          </Form.Item>
        </Col>
      ))}
    </>
  );
}
