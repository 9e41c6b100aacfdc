import { formatBytes } from '../format';
import { Field, fieldNoteId } from './Field';
import { type BodyMode, messageBytes, type PickedFile, type PublishFields } from './publishForm';

const modes: readonly { mode: BodyMode; label: string }[] = [
  { mode: 'text', label: 'Text' },
  { mode: 'hex', label: 'Hex' },
  { mode: 'base64', label: 'Base64' },
  { mode: 'file', label: 'File' },
];

const hints: Record<BodyMode, string> = {
  text: 'Sent as-is, as one text frame',
  hex: 'Bytes as hex pairs, e.g. 01 ff 7b — sent as one binary frame',
  base64: 'Bytes in base64 — sent as one binary frame',
  file: 'The file’s bytes, sent as one binary frame',
};

/** The publish form's message: its format (text, hex, base64, a file) and the text or the file. */
export function MessageBodyField({
  fields,
  error,
  onMode,
  onMessage,
  onFile,
}: {
  fields: PublishFields;
  error: string | undefined;
  onMode: (mode: BodyMode) => void;
  onMessage: (message: string) => void;
  onFile: (file: PickedFile | null) => void;
}) {
  const size = messageBytes(fields);
  const hint = `${hints[fields.mode]}${size.ok && fields.mode !== 'text' ? ` · ${formatBytes(size.size)}` : ''}`;
  const id = fields.mode === 'file' ? 'publish-file' : 'publish-message';
  return (
    <>
      <div className="segmented" role="group" aria-label="Message format">
        {modes.map((m) => (
          <button
            key={m.mode}
            type="button"
            className="btn btn-small"
            aria-pressed={fields.mode === m.mode}
            onClick={() => onMode(m.mode)}
          >
            {m.label}
          </button>
        ))}
      </div>
      <Field id={id} label={fields.mode === 'file' ? 'File' : 'Message'} hint={hint} error={error}>
        {fields.mode === 'file' ? (
          <input
            id={id}
            type="file"
            aria-invalid={error !== undefined}
            aria-describedby={fieldNoteId(id)}
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file === undefined) onFile(null);
              else void file.arrayBuffer().then((buffer) => onFile({ name: file.name, bytes: new Uint8Array(buffer) }));
            }}
          />
        ) : (
          <textarea
            id={id}
            rows={4}
            spellCheck={fields.mode === 'text'}
            className={fields.mode === 'text' ? undefined : 'mono'}
            value={fields.message}
            aria-invalid={error !== undefined}
            aria-describedby={fieldNoteId(id)}
            onChange={(e) => onMessage(e.target.value)}
          />
        )}
      </Field>
    </>
  );
}
