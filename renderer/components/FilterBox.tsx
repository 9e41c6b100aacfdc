/** The search box of a toolbar: a labelled `type=search` input bound to a store filter. */
export function FilterBox({
  label,
  placeholder,
  value,
  onChange,
  testId,
}: {
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  testId: string;
}) {
  return (
    <label className="field-inline">
      <span className="visually-hidden">{label}</span>
      <input
        type="search"
        data-testid={testId}
        placeholder={placeholder}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}
