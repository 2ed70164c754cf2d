import { Building2, Check, ChevronsUpDown, Plus } from 'lucide-react';
import { useState } from 'react';
import { RoleBadge } from '../../../components/ui/badge';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from '../../../components/ui/dropdown-menu';
import { useToast } from '../../../components/ui/toast';
import { describeError } from '../../../lib/api-error';
import { useSession } from '../../auth/session-hooks';
import { useMe, useSwitchOrganization } from '../api';
import { CreateOrganizationDialog } from './create-organization-dialog';

export function OrganizationSwitcher() {
  const session = useSession();
  const me = useMe();
  const switchOrganization = useSwitchOrganization();
  const notify = useToast();
  const [isCreating, setIsCreating] = useState(false);
  const current = me.data?.organization ?? session?.organization;
  const organizations = me.data?.organizations ?? [];

  return (
    <>
      <DropdownMenu>
        <DropdownMenuTrigger
          className="flex max-w-72 min-w-0 items-center gap-2.5 rounded-lg px-2 py-1.5 text-left hover:bg-slate-100 data-[state=open]:bg-slate-100"
          aria-label={`Organization: ${current?.name ?? 'loading'}. Switch organization`}
        >
          <span className="flex size-7 shrink-0 items-center justify-center rounded-md bg-indigo-600 text-xs font-semibold text-white">
            {current?.name.slice(0, 1).toUpperCase()}
          </span>
          <span className="truncate text-sm font-semibold text-slate-900">{current?.name}</span>
          <ChevronsUpDown className="size-4 shrink-0 text-slate-400" aria-hidden />
        </DropdownMenuTrigger>
        <DropdownMenuContent align="start" className="w-72">
          <DropdownMenuLabel>Your organizations</DropdownMenuLabel>
          {me.isPending && <p className="px-2 py-1.5 text-sm text-slate-500">Loading…</p>}
          {organizations.map((organization) => {
            const isCurrent = organization.id === current?.id;
            return (
              <DropdownMenuItem
                key={organization.id}
                onSelect={() => {
                  if (isCurrent) return;
                  switchOrganization.mutate(organization.id, {
                    onSuccess: () => notify(`Switched to ${organization.name}.`),
                    onError: (error) => notify(describeError(error), 'error'),
                  });
                }}
              >
                <Building2 className="size-4 shrink-0 text-slate-400" aria-hidden />
                <span className="flex-1 truncate">{organization.name}</span>
                <RoleBadge role={organization.role} />
                <Check
                  className={isCurrent ? 'size-4 text-indigo-600' : 'invisible size-4'}
                  aria-label={isCurrent ? 'Current' : undefined}
                />
              </DropdownMenuItem>
            );
          })}
          <DropdownMenuSeparator />
          <DropdownMenuItem onSelect={() => setIsCreating(true)}>
            <Plus className="size-4 text-slate-500" aria-hidden />
            Create organization
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
      <CreateOrganizationDialog open={isCreating} onOpenChange={setIsCreating} />
    </>
  );
}
