import { Lock } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Card, CardBody, CardHeader } from '../../../components/ui/card';
import { EmptyState } from '../../../components/ui/empty-state';
import { PageHeader } from '../../../components/ui/page-header';
import { ProgressBar } from '../../../components/ui/progress';
import { describeError } from '../../../lib/api-error';
import { formatBytes } from '../../../lib/format';
import { isAbortError, type UploadProgress } from '../../../lib/upload';
import { AudienceNav } from '../../contacts/components/audience-nav';
import { useCan } from '../../organizations/api';
import { startImport, useImportPreview, type ImportPreview } from '../api';
import { FileDrop } from './file-drop';
import { ImportsHistory } from './imports-history';
import { MappingStep } from './mapping-step';
import { OptionsStep, type OptionsDraft } from './options-step';
import { WizardSteps } from './wizard-steps';

type Step = 'upload' | 'map' | 'options' | 'uploading';
const STEP_INDEX: Record<Step, number> = { upload: 0, map: 1, options: 2, uploading: 3 };

const INITIAL_OPTIONS: OptionsDraft = { mode: 'upsert', tags: '', listId: '', resubscribe: false };

export function ImportWizardPage() {
  const canEdit = useCan('editor');
  return (
    <>
      <PageHeader
        title="Contacts"
        description="Bring contacts in from a CSV file: an export from your CRM or newsletter tool, or a spreadsheet."
      />
      <AudienceNav />
      {canEdit ? (
        <Wizard />
      ) : (
        <div className="space-y-6">
          <Card>
            <EmptyState
              icon={Lock}
              title="Only editors can import contacts"
              description="Ask an editor, admin or owner to import the file for you."
            />
          </Card>
          <ImportsHistory />
        </div>
      )}
    </>
  );
}

function Wizard() {
  const navigate = useNavigate();
  const [step, setStep] = useState<Step>('upload');
  const [file, setFile] = useState<File | null>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [options, setOptions] = useState<OptionsDraft>(INITIAL_OPTIONS);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [uploadError, setUploadError] = useState<unknown>(null);
  const upload = useRef<AbortController | null>(null);
  const preview = useImportPreview(step === 'upload' ? null : file, mapping);
  // A refused mapping (say, email set to "don't import") answers with an error and no preview;
  // the last good one stays on screen so the choice can be put right.
  const [lastPreview, setLastPreview] = useState<{ file: File; preview: ImportPreview } | null>(
    null,
  );
  useEffect(() => {
    if (file && preview.data && !preview.isPlaceholderData)
      setLastPreview({ file, preview: preview.data });
  }, [file, preview.data, preview.isPlaceholderData]);
  const shownPreview =
    preview.data ?? (lastPreview?.file === file ? lastPreview.preview : undefined);

  const restart = () => {
    setFile(null);
    setMapping({});
    setOptions(INITIAL_OPTIONS);
    setStep('upload');
  };

  const start = async () => {
    if (!file) return;
    setStep('uploading');
    setUploadError(null);
    setProgress({ loaded: 0, total: file.size });
    const controller = new AbortController();
    upload.current = controller;
    try {
      const started = await startImport(
        file,
        {
          mode: options.mode,
          tags: [
            ...new Set(
              options.tags
                .split(',')
                .map((t) => t.trim())
                .filter(Boolean),
            ),
          ],
          listId: options.listId || undefined,
          resubscribe: options.resubscribe,
          mapping,
        },
        setProgress,
        controller.signal,
      );
      void navigate(`/contacts/imports/${started.id}`, { state: { fromWizard: true } });
    } catch (error) {
      if (isAbortError(error)) setStep('options');
      else setUploadError(error);
    } finally {
      upload.current = null;
    }
  };

  return (
    <>
      <WizardSteps current={STEP_INDEX[step]} />
      {step === 'upload' && (
        <div className="space-y-6">
          <Card>
            <CardBody className="p-6">
              <FileDrop
                onFile={(picked) => {
                  setFile(picked);
                  setMapping({});
                  setStep('map');
                }}
              />
            </CardBody>
          </Card>
          <ImportsHistory />
        </div>
      )}
      {step === 'map' && file && (
        <MappingStep
          file={file}
          preview={shownPreview}
          mapping={mapping}
          isFetching={preview.isFetching}
          error={preview.error}
          onMappingChange={(header, value) => setMapping((m) => ({ ...m, [header]: value }))}
          onBack={restart}
          onNext={() => setStep('options')}
        />
      )}
      {step === 'options' && (
        <OptionsStep
          options={options}
          onChange={setOptions}
          onBack={() => setStep('map')}
          onStart={() => void start()}
        />
      )}
      {step === 'uploading' && file && (
        <Card aria-labelledby="upload-heading">
          <CardHeader
            id="upload-heading"
            title={`Uploading ${file.name}`}
            description="Keep this page open until the upload finishes. The import itself then runs on the server, and you can leave."
          />
          <CardBody className="space-y-4">
            {uploadError ? (
              <>
                <Alert variant="error" title="The upload didn’t go through">
                  {describeError(uploadError)}
                </Alert>
                <div className="flex gap-2">
                  <Button onClick={() => void start()}>Try again</Button>
                  <Button variant="secondary" onClick={() => setStep('options')}>
                    Back to options
                  </Button>
                </div>
              </>
            ) : (
              <>
                <ProgressBar
                  label="Upload"
                  value={
                    progress && progress.total > 0 ? (progress.loaded / progress.total) * 100 : 0
                  }
                  valueText={
                    progress
                      ? `${Math.floor((progress.loaded / Math.max(progress.total, 1)) * 100)} % · ${formatBytes(progress.loaded)} of ${formatBytes(progress.total)}`
                      : 'Starting…'
                  }
                />
                <Button variant="secondary" onClick={() => upload.current?.abort()}>
                  Cancel upload
                </Button>
              </>
            )}
          </CardBody>
        </Card>
      )}
    </>
  );
}
