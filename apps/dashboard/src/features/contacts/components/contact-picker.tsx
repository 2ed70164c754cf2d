import clsx from 'clsx';
import { Loader2, Search, X } from 'lucide-react';
import { useId, useState, type KeyboardEvent } from 'react';
import { Input } from '../../../components/ui/input';
import { useDebouncedValue } from '../../../lib/use-debounced-value';
import { useContactSuggestions } from '../api';
import { contactName } from '../contact-status';

export interface PickedContact {
  id: string;
  email: string;
  name: string | null;
}

interface ContactPickerProps {
  value: PickedContact | null;
  onChange: (contact: PickedContact | null) => void;
  id?: string;
  /** Accessible name when there is no visible label. */
  'aria-label'?: string;
  'aria-describedby'?: string | undefined;
  placeholder?: string;
  /** Label of the button that clears the choice, e.g. "Use the sample recipient". */
  clearLabel: string;
}

/**
 * Search contacts as you type and pick one (an ARIA combobox): arrow keys move through the
 * matches, Enter picks, Escape closes the list.
 */
export function ContactPicker({
  value,
  onChange,
  id,
  placeholder = 'Search by email or name',
  clearLabel,
  ...aria
}: ContactPickerProps) {
  const generatedId = useId();
  const inputId = id ?? generatedId;
  const listId = `${inputId}-list`;
  const [query, setQuery] = useState(value?.email ?? '');
  const [isOpen, setIsOpen] = useState(false);
  const [active, setActive] = useState(0);
  const search = useDebouncedValue(query.trim(), 250);
  // An untouched box showing the picked address searches everyone, not that one address.
  const suggestions = useContactSuggestions(search === value?.email ? '' : search, isOpen);
  const items = suggestions.data ?? [];

  const pick = (index: number) => {
    const contact = items[index];
    if (!contact) return;
    onChange({ id: contact.id, email: contact.email, name: contactName(contact) });
    setQuery(contact.email);
    setIsOpen(false);
  };

  const keyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!isOpen) {
        setIsOpen(true);
        return;
      }
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((current) => (items.length ? (current + step + items.length) % items.length : 0));
    } else if (event.key === 'Enter') {
      if (isOpen && items.length > 0) {
        // Picking, not submitting the form around the picker.
        event.preventDefault();
        pick(active);
      }
    } else if (event.key === 'Escape' && isOpen) {
      setIsOpen(false);
    }
  };

  return (
    <div className="relative">
      <Search
        className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-slate-400"
        aria-hidden
      />
      <Input
        id={inputId}
        role="combobox"
        aria-expanded={isOpen}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={isOpen && items[active] ? `${listId}-${active}` : undefined}
        autoComplete="off"
        spellCheck={false}
        placeholder={placeholder}
        className={clsx('pl-9', value && 'pr-9')}
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
          setIsOpen(true);
        }}
        onFocus={(event) => {
          event.currentTarget.select();
          setIsOpen(true);
        }}
        onBlur={() => {
          setIsOpen(false);
          setQuery(value?.email ?? '');
        }}
        onKeyDown={keyDown}
        {...aria}
      />
      {value && (
        <button
          type="button"
          className="absolute top-1/2 right-2 -translate-y-1/2 rounded p-1 text-slate-400 hover:bg-slate-100 hover:text-slate-600"
          aria-label={clearLabel}
          title={clearLabel}
          onClick={() => {
            onChange(null);
            setQuery('');
          }}
        >
          <X className="size-4" aria-hidden />
        </button>
      )}
      {isOpen && (
        <ul
          id={listId}
          role="listbox"
          aria-label="Matching contacts"
          className="absolute inset-x-0 top-full z-50 mt-1 max-h-64 overflow-y-auto rounded-md border border-slate-200 bg-white p-1 shadow-lg"
        >
          {suggestions.isPending ? (
            <li className="flex items-center gap-2 px-2 py-1.5 text-sm text-slate-500">
              <Loader2 className="size-4 animate-spin" aria-hidden />
              Searching…
            </li>
          ) : items.length === 0 ? (
            <li className="px-2 py-1.5 text-sm text-slate-500">
              {search ? 'No contact matches.' : 'No contacts yet.'}
            </li>
          ) : (
            items.map((contact, index) => {
              const name = contactName(contact);
              return (
                <li
                  key={contact.id}
                  id={`${listId}-${index}`}
                  role="option"
                  aria-selected={index === active}
                  // Keep focus in the input: a blur would close the list before the click lands.
                  onMouseDown={(event) => event.preventDefault()}
                  onMouseEnter={() => setActive(index)}
                  onClick={() => pick(index)}
                  className={clsx(
                    'cursor-default rounded px-2 py-1.5 text-sm',
                    index === active ? 'bg-indigo-50 text-indigo-900' : 'text-slate-800',
                  )}
                >
                  <span className="block truncate font-medium">{contact.email}</span>
                  {name && <span className="block truncate text-xs text-slate-500">{name}</span>}
                </li>
              );
            })
          )}
        </ul>
      )}
    </div>
  );
}
