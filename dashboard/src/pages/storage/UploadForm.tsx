import { useRef, useState, type FormEvent } from 'react';
import type { Bucket, StoredFile } from '@basalt/contracts';
import { request } from '../../api';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { useToast } from '../../components/Toasts';
import { formatBytes } from '../../format';
import { useSubmit } from '../../useSubmit';

/** One file as multipart (`file`, optional `name` and `metadata` JSON), as the API takes it. */
export function UploadForm({ bucket, onUploaded }: { bucket: Bucket; onUploaded(file: StoredFile): void }) {
  const toast = useToast();
  const submit = useSubmit();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [metadata, setMetadata] = useState('');
  const [metadataError, setMetadataError] = useState<string>();

  async function upload(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    setMetadataError(undefined);
    const form = new FormData();
    if (name.trim()) form.append('name', name.trim());
    if (metadata.trim()) {
      try {
        const parsed: unknown = JSON.parse(metadata);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error();
      } catch {
        setMetadataError('must be a JSON object, e.g. {"alt": "A cover"}');
        return;
      }
      form.append('metadata', metadata.trim());
    }
    form.append('file', file, file.name);
    const stored = await submit.run(() => request<StoredFile>('POST', `/api/storage/buckets/${encodeURIComponent(bucket.name)}/files`, { body: form }));
    if (!stored) return;
    toast.success(`Uploaded ${stored.name} (${formatBytes(stored.size)}, ${stored.contentType})`);
    setFile(null);
    setName('');
    setMetadata('');
    if (input.current) input.current.value = '';
    onUploaded(stored);
  }

  const limits = `At most ${formatBytes(bucket.maxFileSize)}${bucket.allowedTypes.length ? `; ${bucket.allowedTypes.join(', ')}` : '; any type'}.`;
  return (
    <form className="card" onSubmit={upload} aria-label="Upload a file">
      <h2>Upload a file</h2>
      <ErrorNotice error={submit.details.name || submit.details.metadata ? undefined : submit.error} />
      <div className="field-row">
        <Field label="File" htmlFor="upload-file" hint={limits}>
          <input id="upload-file" ref={input} type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </Field>
        <Field label="Name (optional)" htmlFor="upload-name" hint="Defaults to the file's own name." error={submit.details.name}>
          <input id="upload-name" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
      </div>
      <Field label="Metadata (optional JSON object)" htmlFor="upload-metadata" error={metadataError ?? submit.details.metadata}>
        <textarea id="upload-metadata" className="mono" rows={2} placeholder='{"alt": "A cover"}' value={metadata} onChange={(e) => setMetadata(e.target.value)} />
      </Field>
      <div className="actions">
        <button type="submit" disabled={!file || submit.busy}>{submit.busy ? 'Uploading…' : 'Upload'}</button>
      </div>
    </form>
  );
}
