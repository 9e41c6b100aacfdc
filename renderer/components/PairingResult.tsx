import { QRCodeSVG } from 'qrcode.react';
import { pairingTtlMs, type CreateKeyResponse, type PairResponse } from '../../shared/keys';
import { formatTime } from '../format';
import { CopyField } from './CopyButton';

/** "Add a device" done: the phone link as a QR code and text, and the boards' snippet. */
export function PairingResult({ pairing }: { pairing: PairResponse }) {
  return (
    <div className="pair-result" data-testid="pair-result">
      <QRCodeSVG value={pairing.link} size={200} marginSize={2} className="qr" title="Phone link as a QR code" />
      <div className="pair-details">
        <h3>A phone</h3>
        <p>Scan the code with the phone’s camera, or open this link on it:</p>
        <CopyField text={pairing.link} testId="pair-link" />
        <p className="muted" data-testid="pair-expiry">
          The link works once, until {formatTime(pairing.expiresAt)} ({pairingTtlMs / 60_000} minutes): it carries a
          one-time code, not the key.
        </p>
        <h3>A board</h3>
        <p>Give it this configuration (it holds the key):</p>
        <CopyField text={JSON.stringify(pairing.board, null, 2)} testId="pair-board" />
        <p className="muted">
          Key <code>{pairing.key.id}</code> “{pairing.key.name}”: its secret is shown only now — the hub keeps a hash.
        </p>
      </div>
    </div>
  );
}

/** "Create a key" done: the secret, shown this once. */
export function KeySecret({ created }: { created: CreateKeyResponse }) {
  return (
    <div className="pair-details" data-testid="key-result">
      <p>
        Key <code>{created.key.id}</code> “{created.key.name}” is ready. Devices send it as{' '}
        <code>Authorization: Bearer …</code> (or the SDK’s <code>token</code>).
      </p>
      <CopyField text={created.secret} testId="key-secret" />
      <p className="muted">This is the only time the secret is shown: the hub keeps a hash.</p>
    </div>
  );
}
