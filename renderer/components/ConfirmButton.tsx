import { useState } from 'react';

/** A button that asks once before acting: "Rotate" → "Devices … will be refused. [Rotate] [Cancel]". */
export function ConfirmButton({
  label,
  question,
  danger = false,
  onConfirm,
}: {
  label: string;
  question: string;
  danger?: boolean;
  onConfirm: () => Promise<void>;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const kind = danger ? 'btn btn-small btn-danger' : 'btn btn-small';
  if (!asking) {
    return (
      <button type="button" className={kind} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={`Confirm: ${label}`}>
      <span className="confirm-question">{question}</span>
      <button
        type="button"
        className={kind}
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void onConfirm().finally(() => {
            setBusy(false);
            setAsking(false);
          });
        }}
      >
        {`Yes, ${label.charAt(0).toLowerCase()}${label.slice(1)}`}
      </button>
      <button type="button" className="btn btn-small" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
