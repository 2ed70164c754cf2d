import { Dialog, DialogContent } from '../../../components/ui/dialog';
import { formatDateTime } from '../../../lib/format';
import type { FailedJob } from '../api';

export function FailedJobDialog({ job, onClose }: { job: FailedJob | null; onClose: () => void }) {
  return (
    <Dialog open={job !== null} onOpenChange={(open) => !open && onClose()}>
      {job && (
        <DialogContent
          title={job.name}
          description={`Queue “${job.queue}” · failed ${formatDateTime(job.failedAt)} after ${job.attempts} ${job.attempts === 1 ? 'attempt' : 'attempts'}`}
          className="max-w-2xl"
        >
          <div className="space-y-4">
            <section>
              <h3 className="text-sm font-medium text-slate-800">Error</h3>
              <pre className="mt-1.5 max-h-64 overflow-auto rounded-lg bg-slate-900 p-3 text-xs whitespace-pre-wrap text-red-200">
                {job.error}
              </pre>
            </section>
            <section>
              <h3 className="text-sm font-medium text-slate-800">Payload</h3>
              <pre className="mt-1.5 max-h-48 overflow-auto rounded-lg bg-slate-100 p-3 text-xs text-slate-800">
                {JSON.stringify(job.payload, null, 2) ?? 'none'}
              </pre>
            </section>
          </div>
        </DialogContent>
      )}
    </Dialog>
  );
}
