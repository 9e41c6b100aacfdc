import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, type MouseEvent, type ReactNode, useLayoutEffect, useRef } from 'react';
import { observeRectAfterLayout, scrollAfterMount, windowRect } from './virtualScroll';

/** One column of a virtual table. */
export interface Column<T> {
  id: string;
  header: string;
  /** CSS grid track, e.g. `120px` or `minmax(160px, 1fr)`. */
  width: string;
  align?: 'start' | 'end';
  render: (row: T) => ReactNode;
  /** When set, the header is a button that sorts by this column. */
  sortable?: boolean;
}

/** Props of {@link VirtualTable}. */
export interface VirtualTableProps<T> {
  label: string;
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  rowTestId: string;
  /** Height of every row in pixels (rows are fixed-height so scrolling never jumps). */
  rowHeight?: number;
  sort?: { column: string; direction: 'asc' | 'desc'; onSort: (column: string) => void };
  /**
   * A click anywhere on a row but its controls (a mouse convenience: give the row a button that
   * does the same for the keyboard), and the row shown as selected.
   */
  onRowClick?: (row: T) => void;
  selectedKey?: string | null;
  /**
   * Rows arriving above the selected one (a live list, newest first) push it down: keep it where
   * it is on screen instead, so the row whose detail is open never slides out of view.
   */
  anchorSelected?: boolean;
  /** Changes when rows changed in place (live counters): the rows in view are drawn again. */
  version?: number;
}

const headerHeight = 36;
/** Horizontal padding of a row and gap between cells, as in styles.css (pixels). */
const rowPadding = 32;
const cellGap = 12;

/** Narrowest width the columns fit in: below it the table scrolls sideways instead of squeezing cells. */
function minTableWidth(columns: readonly Column<never>[]): number {
  const widths = columns.map((c) => Number(/(\d+)px/.exec(c.width)?.[1] ?? 0));
  return widths.reduce((sum, w) => sum + w, rowPadding + cellGap * (columns.length - 1));
}

/**
 * A table that renders only the rows in view (plus a few), so 10,000 rows cost as much as 30.
 * ARIA table roles keep it readable by screen readers; `aria-rowindex` gives each row's true position.
 */
export function VirtualTable<T>({
  label,
  columns,
  rows,
  rowKey,
  rowTestId,
  rowHeight = 40,
  sort,
  onRowClick,
  selectedKey = null,
  anchorSelected = false,
  version = 0,
}: VirtualTableProps<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const anchor = useRef<{ key: string; index: number } | null>(null);
  useLayoutEffect(() => {
    const index = !anchorSelected || selectedKey === null ? -1 : rows.findIndex((row) => rowKey(row) === selectedKey);
    const before = anchor.current;
    const element = scrollRef.current;
    if (index !== -1 && before?.key === selectedKey && before.index !== index && element !== null) {
      element.scrollTop += (index - before.index) * rowHeight;
    }
    anchor.current = index === -1 || selectedKey === null ? null : { key: selectedKey, index };
  }, [rows, selectedKey, anchorSelected, rowKey, rowHeight]);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read only during render, never memoised
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 8,
    scrollMargin: headerHeight,
    observeElementRect: observeRectAfterLayout,
    scrollToFn: scrollAfterMount,
    initialRect: windowRect(),
    getItemKey: (index) => {
      const row = rows[index];
      return row === undefined ? index : rowKey(row);
    },
  });
  const template = columns.map((c) => c.width).join(' ');
  return (
    <div className="vtable-scroll" ref={scrollRef} tabIndex={0} data-testid="table-scroll">
      <div
        role="table"
        aria-label={label}
        aria-rowcount={rows.length + 1}
        className="vtable"
        style={{ minWidth: minTableWidth(columns) }}
      >
        <div role="row" aria-rowindex={1} className="vtable-head" style={{ gridTemplateColumns: template }}>
          {columns.map((column) => (
            <HeaderCell key={column.id} column={column} sort={sort} />
          ))}
        </div>
        <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (row === undefined) return null;
            return (
              <Row
                key={item.key}
                row={row}
                index={item.index}
                top={item.start - headerHeight}
                height={rowHeight}
                template={template}
                columns={columns}
                testId={rowTestId}
                rowId={rowKey(row)}
                selected={selectedKey !== null && selectedKey === rowKey(row)}
                onClick={onRowClick}
                version={version}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

function HeaderCell<T>({ column, sort }: { column: Column<T>; sort: VirtualTableProps<T>['sort'] }) {
  const active = sort?.column === column.id;
  const ariaSort = active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined;
  const className = `vcell vcell-head${column.align === 'end' ? ' vcell-end' : ''}`;
  if (sort === undefined || column.sortable !== true) {
    return (
      <div role="columnheader" className={className}>
        {column.header === '' ? <span className="visually-hidden">{column.id}</span> : column.header}
      </div>
    );
  }
  return (
    <div role="columnheader" aria-sort={ariaSort ?? 'none'} className={className}>
      <button type="button" className="sort-btn" onClick={() => sort.onSort(column.id)}>
        {column.header}
        <span className="sort-arrow" aria-hidden="true">
          {active ? (sort.direction === 'asc' ? '▲' : '▼') : ''}
        </span>
      </button>
    </div>
  );
}

interface RowProps<T> {
  row: T;
  index: number;
  top: number;
  height: number;
  template: string;
  columns: readonly Column<T>[];
  testId: string;
  rowId: string;
  selected: boolean;
  onClick: ((row: T) => void) | undefined;
  /** Read by `memo` only: a new version draws the row again. */
  version: number;
}

function RowView<T>({ row, index, top, height, template, columns, testId, rowId, selected, onClick }: RowProps<T>) {
  const classes = `vtable-row${index % 2 === 1 ? ' vtable-row-alt' : ''}${selected ? ' is-selected' : ''}`;
  // Chosen on the press, as a list box does: in a live table a newer row can push this one away
  // before the release, and the browser then sends no click to either. The click still chooses
  // (a click without a press, from assistive technology). The row's own controls (unregister,
  // copy, the row's button) act alone.
  const choose =
    onClick === undefined
      ? undefined
      : (event: MouseEvent) => {
          if (event.type === 'mousedown' && event.button !== 0) return;
          if ((event.target as Element).closest('button, a, input, select, textarea') === null) onClick(row);
        };
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      className={onClick === undefined ? classes : `${classes} is-clickable`}
      data-testid={testId}
      data-row-id={rowId}
      style={{ gridTemplateColumns: template, height, transform: `translateY(${top}px)` }}
      onMouseDown={choose}
      onClick={choose}
    >
      {columns.map((column) => (
        <div role="cell" key={column.id} className={`vcell${column.align === 'end' ? ' vcell-end' : ''}`}>
          {column.render(row)}
        </div>
      ))}
    </div>
  );
}

// Memoised: a push that changes one client re-renders one row, not the whole window.
const Row = memo(RowView) as typeof RowView;
