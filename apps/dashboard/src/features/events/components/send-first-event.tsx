import { useState } from 'react';
import { CopyButton } from '../../../components/ui/copy-field';
import { SegmentedControl } from '../../../components/ui/segmented-control';

type Sample = 'curl' | 'node' | 'browser';

const SAMPLES: { value: Sample; label: string }[] = [
  { value: 'curl', label: 'curl' },
  { value: 'node', label: 'Node.js' },
  { value: 'browser', label: 'Website' },
];

function sampleCode(sample: Sample, origin: string, writeKey: string): string {
  switch (sample) {
    case 'curl':
      return `curl ${origin}/v1/track \\
  -u '${writeKey}:' \\
  -H 'Content-Type: application/json' \\
  -d '{
    "userId": "user-123",
    "event": "Signed Up",
    "properties": { "email": "ada@example.com", "plan": "pro" }
  }'`;
    case 'node':
      return `// npm install @segment/analytics-node
import { Analytics } from '@segment/analytics-node';

const analytics = new Analytics({ writeKey: '${writeKey}', host: '${origin}' });
analytics.identify({ userId: 'user-123', traits: { email: 'ada@example.com', firstName: 'Ada' } });
analytics.track({ userId: 'user-123', event: 'Signed Up', properties: { plan: 'pro' } });`;
    case 'browser':
      return `// npm install @segment/analytics-next
import { AnalyticsBrowser } from '@segment/analytics-next';

export const analytics = AnalyticsBrowser.load({ writeKey: '${writeKey}', cdnURL: '${origin}' });
analytics.track('Signed Up', { plan: 'pro' });`;
  }
}

/** How to send a first event, with the key filled in when it is known. */
export function SendFirstEvent({ writeKey }: { writeKey?: string | undefined }) {
  const [sample, setSample] = useState<Sample>('curl');
  const code = sampleCode(sample, window.location.origin, writeKey ?? 'YOUR_WRITE_KEY');
  return (
    <div className="text-left">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm font-medium text-slate-900">Send your first event</p>
        <SegmentedControl
          label="Example"
          size="sm"
          value={sample}
          onValueChange={setSample}
          options={SAMPLES}
        />
      </div>
      <pre className="mt-2 overflow-x-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100">
        <code>{code}</code>
      </pre>
      <div className="mt-2 flex flex-wrap items-center justify-between gap-2">
        <p className="text-xs text-slate-500">
          The write key is the HTTP Basic username with an empty password, as Segment’s SDKs send
          it. Events name contacts by <code>userId</code> or email.
        </p>
        <CopyButton value={code} label="Copy example" />
      </div>
    </div>
  );
}
