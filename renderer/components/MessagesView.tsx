import { formatRate, plural } from '../format';
import { messageSource } from '../export/formats';
import { useStore } from '../store';
import { hubSelectors } from '../store/selectors';
import { EmptyState } from './EmptyState';
import { ExportButtons } from './ExportButtons';
import { MessageDetail } from './MessageDetail';
import { MessageLimitSelect, MessageToolbar } from './MessageToolbar';
import { messageColumns } from './messageColumns';
import { useMessageWatch, type WatchState } from './useMessageWatch';
import { VirtualTable } from './VirtualTable';

/** The message inspector: a live tail of what is published, with bodies, while this view is open. */
export function MessagesView() {
  const watch = useMessageWatch();
  const rows = useStore(hubSelectors.visibleMessages);
  const total = useStore((s) => s.messages.length);
  const selected = useStore((s) => s.selectedMessage);
  const selectMessage = useStore((s) => s.selectMessage);
  const exportRows = () => hubSelectors.visibleMessages(useStore.getState()).toReversed();
  return (
    <section className="view view-with-detail" aria-label="Messages">
      <MessageToolbar />
      <div className="toolbar toolbar-secondary">
        <InspectorStatus watch={watch} />
        <ExportButtons source={messageSource} rows={exportRows} label="Export messages" />
        <MessageLimitSelect />
      </div>
      <div className="split">
        {rows.length === 0 ? (
          <EmptyState title={total === 0 ? 'No messages yet' : 'No messages match this filter'}>
            <p>
              {total === 0
                ? 'Messages published while this view is open appear here, newest first: from POST /publish, from devices, and from this GUI.'
                : 'Try another topic prefix, user or text, or clear the filter.'}
            </p>
          </EmptyState>
        ) : (
          <VirtualTable
            label="Messages"
            columns={messageColumns}
            rows={rows}
            rowKey={(m) => String(m.key)}
            rowTestId="message-row"
            rowHeight={34}
            onRowClick={(m) => selectMessage(m.key)}
            selectedKey={selected === null ? null : String(selected)}
            anchorSelected
          />
        )}
        {selected !== null && <MessageDetail messageKey={selected} />}
      </div>
    </section>
  );
}

/** What the inspector is doing: live with the rate, sampling (and why), paused, or unable to watch. */
function InspectorStatus({ watch }: { watch: WatchState }) {
  const rate = useStore((s) => s.messageRate);
  const paused = useStore((s) => s.messagesPaused);
  const held = useStore((s) => s.heldMessages.length);
  let text: string;
  if (watch.kind === 'failed') text = `Cannot watch messages: ${watch.message}`;
  else if (watch.kind === 'starting') text = 'Connecting the inspector…';
  else if (watch.kind === 'applying') text = 'Applying the filter…';
  else if (paused) text = `Paused — ${plural(held, 'new message')} waiting`;
  else if (rate.sampled) {
    text = `Sampled: showing ${formatRate(rate.shown)} of ${formatRate(rate.matched)} matching — more than anyone can read`;
  } else text = `Live — ${formatRate(rate.matched)} matching`;
  return (
    <span
      className={`inspector-status${rate.sampled && !paused ? ' is-sampled' : ''}`}
      data-testid="inspector-status"
      data-state={watch.kind}
      role="status"
    >
      {text}
    </span>
  );
}
