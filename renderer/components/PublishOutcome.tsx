import { plural } from '../format';

/** What the last publish did: where it went (its receipt), or why it failed. */
export type PublishOutcomeState =
  | { kind: 'delivered'; count: number; topic: string; retained: boolean; offset: number; epoch: string }
  | { kind: 'failed'; message: string }
  | null;

/** The publish form's receipt: how many clients got it, retained or not, its offset and epoch. */
export function PublishOutcome({ outcome }: { outcome: PublishOutcomeState }) {
  return (
    <>
      <p className="form-outcome" role="status" data-testid="publish-outcome">
        {outcome?.kind === 'delivered' && (
          <span className={outcome.count > 0 ? 'ok' : 'warn'}>
            Delivered to {plural(outcome.count, 'client')}
            {outcome.count === 0 && ` — nobody is subscribed to “${outcome.topic}” right now`}
            {outcome.retained && ' · retained'}
          </span>
        )}
        {outcome?.kind === 'failed' && <span className="error">{outcome.message}</span>}
      </p>
      {outcome?.kind === 'delivered' && (
        <p className="form-outcome muted" data-testid="publish-position">
          {`Offset ${outcome.offset} · epoch `}
          <code>{outcome.epoch}</code>
        </p>
      )}
    </>
  );
}
