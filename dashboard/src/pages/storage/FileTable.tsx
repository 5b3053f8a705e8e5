import { useState } from 'react';
import type { SignedUrlResponse, StoredFile } from '@basalt/contracts';
import { request } from '../../api';
import { ConfirmButton } from '../../components/ConfirmButton';
import { useToast } from '../../components/Toasts';
import { formatBytes, formatDate, shortId } from '../../format';

/** A bucket's files; "Get link" asks for a signed URL (valid one hour) and shows it as a download link. */
export function FileTable({ bucket, files, onDelete, deletingId }: {
  bucket: string;
  files: StoredFile[];
  onDelete(file: StoredFile): void;
  deletingId: string | null;
}) {
  const toast = useToast();
  const [links, setLinks] = useState<Record<string, SignedUrlResponse>>({});
  const [linking, setLinking] = useState<string | null>(null);

  async function sign(file: StoredFile) {
    setLinking(file.id);
    try {
      const signed = await request<SignedUrlResponse>('POST', `/api/storage/buckets/${encodeURIComponent(bucket)}/files/${encodeURIComponent(file.id)}/url`, { body: { expiresIn: 3600 } });
      setLinks((current) => ({ ...current, [file.id]: signed }));
    } catch (e) {
      toast.error(e);
    } finally {
      setLinking(null);
    }
  }

  return (
    <div className="table-scroll">
      <table className="table" aria-label={`Files of ${bucket}`}>
        <thead>
          <tr><th>Name</th><th>Type</th><th className="num">Size</th><th>Owner</th><th>Uploaded</th><th>Id</th><th /></tr>
        </thead>
        <tbody>
          {files.map((file) => {
            const link = links[file.id];
            return (
              <tr key={file.id}>
                <td className="strong">{file.name}</td>
                <td><code>{file.contentType}</code></td>
                <td className="num nowrap">{formatBytes(file.size)}</td>
                <td>{file.owner ? <code title={file.owner}>{shortId(file.owner)}</code> : <span className="muted">admin / key</span>}</td>
                <td className="nowrap">{formatDate(file.createdAt)}</td>
                <td><code title={file.id}>{shortId(file.id)}</code></td>
                <td className="row-actions">
                  {link ? (
                    <a className="button secondary small" href={link.url} target="_blank" rel="noreferrer" download={file.name} title={`Signed link, valid until ${formatDate(link.expiresAt)}`}>
                      Download
                    </a>
                  ) : (
                    <button type="button" className="secondary small" disabled={linking === file.id} onClick={() => void sign(file)}>
                      Get link
                    </button>
                  )}
                  <ConfirmButton label="Delete" question="Delete this file?" confirmLabel="Yes, delete" busy={deletingId === file.id} onConfirm={() => onDelete(file)} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
