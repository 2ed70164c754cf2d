import { SectionNav } from '../../../components/ui/section-nav';

/** The pages that make up the audience: who you have, how they're grouped, how they arrive. */
export function AudienceNav() {
  return (
    <SectionNav
      label="Audience"
      links={[
        { to: '/contacts', label: 'All contacts' },
        { to: '/contacts/lists', label: 'Lists' },
        { to: '/contacts/import', label: 'Imports', alsoActiveOn: ['/contacts/imports/'] },
        { to: '/contacts/suppressions', label: 'Suppressions' },
      ]}
    />
  );
}
