import { Cascader } from 'antd';
import { useTranslation } from 'react-i18next';
import { useRegions, type Region } from './api';

type Option = { value: string; label: string; children?: Option[] };

/** Regions by NAME (what customers store: 广东省 › 深圳市 › 南山区), down to `depth` levels. */
function toOptions(regions: Region[], depth: number): Option[] {
  return regions.map((r) => ({
    value: r.name,
    label: r.name,
    children: depth > 1 && r.children?.length ? toOptions(r.children, depth - 1) : undefined,
  }));
}

/**
 * A cascading picker over China's administrative divisions (GET /regions). Any level may be the
 * last one chosen (a province alone is a valid answer).
 */
export function RegionCascader({
  value,
  onChange,
  depth = 3,
  placeholder,
  testId,
  style,
}: {
  value?: string[];
  onChange?: (value: string[]) => void;
  depth?: 2 | 3;
  placeholder?: string;
  testId?: string;
  style?: React.CSSProperties;
}) {
  const { t } = useTranslation();
  const regions = useRegions();
  return (
    <Cascader
      options={toOptions(regions.data ?? [], depth)}
      value={value}
      onChange={(v) => onChange?.((v ?? []) as string[])}
      changeOnSelect
      showSearch
      allowClear
      loading={regions.isLoading}
      placeholder={placeholder ?? t('customers.form.regionPlaceholder')}
      style={style}
      data-testid={testId}
    />
  );
}
