import { SectionNav } from '../../../components/ui/section-nav';

/** Where mail goes out: the senders, and the outbox that keeps what the built-in one "sent". */
export function SendingNav() {
  return (
    <SectionNav
      label="Sending"
      links={[
        { to: '/senders', label: 'Senders' },
        { to: '/senders/outbox', label: 'Outbox', alsoActiveOn: ['/senders/outbox/'] },
      ]}
    />
  );
}
