/*
 * The admin page's form fields: a label around one input, its value held by
 * the form. Every form of the page is made of these, so that a field looks
 * and is labelled the same everywhere.
 */

/** A text field: its label, its value and what to do with a new one. */
export function TextField({
  label,
  value,
  onChange,
  isRequired = false,
  type = 'text',
  lengthMax,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  isRequired?: boolean;
  type?: 'text' | 'url' | 'tel';
  lengthMax?: number;
}) {
  return (
    <label>
      {label}
      <input
        type={type}
        required={isRequired}
        value={value}
        maxLength={lengthMax}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      />
    </label>
  );
}

/** A whole-number field: its label, its value and what to do with a new one. */
export function NumberField({
  label,
  value,
  onChange,
  min,
}: {
  label: string;
  value: number;
  onChange: (value: number) => void;
  min?: number;
}) {
  return (
    <label>
      {label}
      <input
        type="number"
        step={1}
        min={min}
        value={value}
        onChange={(event) => {
          onChange(Number(event.target.value));
        }}
      />
    </label>
  );
}
