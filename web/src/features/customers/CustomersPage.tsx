import { useMemo, useState } from 'react';
import { Badge, Button, Card, Flex, Input, Select, Table, Tag, Typography } from 'antd';
import { DownloadOutlined, FilterOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { useCan } from '../../app/session';
import { CursorPager, useCursorPager } from '../../components/CursorPager';
import { ErrorResult } from '../../components/ErrorResult';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../i18n/format';
import {
  compactFilters,
  customerSorts,
  useAttributeDefinitions,
  useCustomerCount,
  useCustomers,
  type Customer,
  type CustomerFilters,
  type CustomerSort,
} from './api';
import { BulkActions } from './BulkActions';
import { ColumnChooser, customerColumns, useColumnChoice } from './columns';
import { CustomerFilterPanel, countFilters } from './CustomerFilterPanel';
import { CustomerForm } from './CustomerForm';
import { ExportModal } from './ExportModal';
import { scoreFiltersFromUrl } from '../scoring/customerFilters';
import { useSegment } from '../segments/api';

const pageSize = 50;

/** The customer list: search, filters, sort, chosen columns, bulk changes and exports. */
export function CustomersPage() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const navigate = useNavigate();
  const canCreate = useCan('customers.create');
  const canEdit = useCan('customers.edit');
  const canExport = useCan('customers.export');
  const canSeeStaff = useCan('staff.view');
  const [search, setSearch] = useState('');
  // the grades and lifecycle pages link here with score filters in the address (?rScore=5&fScore=4)
  const [panelFilters, setPanelFilters] = useState<CustomerFilters>(() =>
    scoreFiltersFromUrl(new URLSearchParams(window.location.search)),
  );
  const [sort, setSort] = useState<CustomerSort>('-createdAt');
  const [showFilters, setShowFilters] = useState(() => countFilters(panelFilters) > 0);
  const [selected, setSelected] = useState<string[]>([]);
  const [creating, setCreating] = useState(false);
  const [exporting, setExporting] = useState(false);
  const pager = useCursorPager();
  const choice = useColumnChoice();
  const definitions = useAttributeDefinitions();
  // "members of a segment" arrives in the address (from a segment's page) and leaves with its chip
  const [params, setParams] = useSearchParams();
  const segmentId = params.get('segmentId') ?? undefined;
  const segment = useSegment(segmentId ?? '');

  const filters = useMemo(
    () => compactFilters({ ...panelFilters, search: search.trim() || undefined, segmentId }),
    [panelFilters, search, segmentId],
  );
  const customers = useCustomers(filters, sort, pageSize, pager.cursor);
  const count = useCustomerCount(filters);
  const activeFilters = countFilters(panelFilters);

  const all = useMemo(() => customerColumns(t, fmt, definitions.data ?? []), [t, fmt, definitions.data]);
  const shown = all.filter((c) => choice.visible.includes(c.key));

  const refilter = (next: () => void) => {
    pager.reset();
    setSelected([]);
    next();
  };

  return (
    <>
      <PageHeader
        title={t('nav.items.customers')}
        description={t('customers.description')}
        extra={
          <>
            {canExport ? (
              <Button icon={<DownloadOutlined />} onClick={() => setExporting(true)} data-testid="customer-export">
                {t('customers.export.button')}
              </Button>
            ) : null}
            {canCreate ? (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setCreating(true)}
                data-testid="customer-create"
              >
                {t('customers.create')}
              </Button>
            ) : null}
          </>
        }
      />
      <Card>
        <Flex gap={8} wrap align="center" style={{ marginBottom: 16 }}>
          <Input.Search
            placeholder={t('customers.searchPlaceholder')}
            allowClear
            enterButton
            onSearch={(q) => refilter(() => setSearch(q))}
            style={{ width: 380 }}
            data-testid="customer-search"
          />
          <Badge count={activeFilters} size="small">
            <Button
              icon={<FilterOutlined />}
              type={showFilters ? 'primary' : 'default'}
              ghost={showFilters}
              onClick={() => setShowFilters((s) => !s)}
              data-testid="customer-filters-toggle"
            >
              {t('customers.filters.button')}
            </Button>
          </Badge>
          {segmentId ? (
            <Tag
              closable
              color="blue"
              onClose={() =>
                refilter(() =>
                  setParams((p) => {
                    p.delete('segmentId');
                    return p;
                  }),
                )
              }
              data-testid="segment-filter-chip"
            >
              {t('customers.filters.segmentChip', { name: segment.data?.name ?? '…' })}
            </Tag>
          ) : null}
          <Select
            value={sort}
            onChange={(s: CustomerSort) => refilter(() => setSort(s))}
            options={customerSorts.map((s) => ({ value: s, label: t(`customers.sort.${s.replace('-', 'desc_')}`) }))}
            style={{ width: 200 }}
            prefix={<Typography.Text type="secondary">{t('customers.sort.label')}</Typography.Text>}
            data-testid="customer-sort"
          />
          <div style={{ flex: 1 }} />
          <Typography.Text type="secondary" data-testid="customer-count">
            {count.data === undefined
              ? ''
              : t('customers.count', { count: count.data, formatted: fmt.number(count.data) })}
          </Typography.Text>
          <ColumnChooser columns={all} choice={choice} />
        </Flex>
        {showFilters ? (
          <Card size="small" style={{ marginBottom: 16, background: '#fafafa' }}>
            <CustomerFilterPanel
              filters={panelFilters}
              canSeeStaff={canSeeStaff}
              onApply={(f) => refilter(() => setPanelFilters(compactFilters(f)))}
            />
          </Card>
        ) : null}
        {selected.length && canEdit ? (
          <BulkActions ids={selected} canAssignOwner={canSeeStaff} onDone={() => setSelected([])} />
        ) : null}
        {customers.error ? (
          <ErrorResult error={customers.error} onRetry={() => void customers.refetch()} />
        ) : (
          <>
            <Table<Customer>
              rowKey="id"
              columns={shown.map((c) => c.column)}
              dataSource={customers.data?.items ?? []}
              loading={customers.isFetching}
              pagination={false}
              rowSelection={
                canEdit
                  ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]), fixed: true }
                  : undefined
              }
              onRow={(c) => ({
                onDoubleClick: () => void navigate(`/customers/${c.id}`),
              })}
              locale={{ emptyText: t(search || activeFilters ? 'customers.emptyFiltered' : 'customers.empty') }}
              scroll={{ x: 'max-content' }}
              data-testid="customers-table"
            />
            <CursorPager pager={pager} nextCursor={customers.data?.nextCursor} loading={customers.isFetching} />
          </>
        )}
      </Card>
      <CustomerForm
        customer={creating ? 'new' : null}
        onClose={() => setCreating(false)}
        onSaved={(c) => void navigate(`/customers/${c.id}`)}
      />
      {canExport ? (
        <ExportModal
          open={exporting}
          onClose={() => setExporting(false)}
          filters={filters}
          sort={sort}
          columns={shown.flatMap((c) => c.exportColumns)}
          columnCount={shown.length}
          count={count.data}
        />
      ) : null}
    </>
  );
}
