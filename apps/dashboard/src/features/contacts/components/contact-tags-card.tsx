import { Plus, X } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { Card, CardBody, CardHeader } from '../../../components/ui/card';
import { Input } from '../../../components/ui/input';
import { useToast } from '../../../components/ui/toast';
import { describeError } from '../../../lib/api-error';
import { useUpdateContact, type Contact } from '../api';

/** Tags change at once: each add or remove saves the contact's whole tag set. */
export function ContactTagsCard({ contact, canEdit }: { contact: Contact; canEdit: boolean }) {
  const update = useUpdateContact(contact.id);
  const notify = useToast();
  const [tag, setTag] = useState('');

  const save = (tags: string[], message: string) =>
    update.mutate(
      { tags },
      {
        onSuccess: () => notify(message),
        onError: (error) => notify(describeError(error), 'error'),
      },
    );

  const add = (event: FormEvent) => {
    event.preventDefault();
    const next = tag.trim();
    if (!next) return;
    setTag('');
    if (contact.tags.includes(next)) return;
    save([...contact.tags, next], `Tagged “${next}”.`);
  };

  return (
    <Card aria-labelledby="tags-heading">
      <CardHeader id="tags-heading" title="Tags" />
      <CardBody className="space-y-3">
        {contact.tags.length === 0 ? (
          <p className="text-sm text-slate-500">No tags yet.</p>
        ) : (
          <ul className="flex flex-wrap gap-1.5" aria-label="Tags">
            {contact.tags.map((name) => (
              <li
                key={name}
                className="inline-flex items-center gap-1 rounded-full bg-indigo-50 py-0.5 pr-1 pl-2.5 text-xs font-medium text-indigo-700 ring-1 ring-indigo-200 ring-inset"
              >
                {name}
                {canEdit && (
                  <button
                    type="button"
                    aria-label={`Remove tag ${name}`}
                    disabled={update.isPending}
                    className="rounded-full p-0.5 text-indigo-500 hover:bg-indigo-100 hover:text-indigo-800"
                    onClick={() =>
                      save(
                        contact.tags.filter((t) => t !== name),
                        `Removed “${name}”.`,
                      )
                    }
                  >
                    <X className="size-3" aria-hidden />
                  </button>
                )}
                {!canEdit && <span className="w-1.5" />}
              </li>
            ))}
          </ul>
        )}
        {canEdit && (
          <form onSubmit={add} className="flex gap-2">
            <Input
              aria-label="New tag"
              placeholder="Add a tag"
              autoComplete="off"
              maxLength={100}
              value={tag}
              onChange={(event) => setTag(event.target.value)}
            />
            <Button
              type="submit"
              variant="secondary"
              disabled={!tag.trim()}
              isLoading={update.isPending}
            >
              {!update.isPending && <Plus className="size-4" aria-hidden />}
              Add
            </Button>
          </form>
        )}
      </CardBody>
    </Card>
  );
}
