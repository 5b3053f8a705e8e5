import { useRef, useState } from 'react';
import type { CreatedApiKey } from '@basalt/contracts';

/** The secret of a key that was just created: the only time the server ever returns it. */
export function NewKeySecret({ apiKey, onDone }: { apiKey: CreatedApiKey; onDone(): void }) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);

  async function copy() {
    try {
      await navigator.clipboard.writeText(apiKey.key);
    } catch {
      // No clipboard permission (or not a secure context): select it so the admin can copy by hand.
      input.current?.select();
      document.execCommand('copy');
    }
    setCopied(true);
  }

  return (
    <section className="card card-success" aria-label="New API key secret">
      <h2>API key “{apiKey.name}” created</h2>
      <p className="notice notice-warn">
        Copy this key now and store it somewhere safe. <strong>You will not see it again.</strong>
      </p>
      <div className="secret-box">
        <input ref={input} readOnly value={apiKey.key} aria-label="API key secret" onFocus={(e) => e.target.select()} />
        <button type="button" onClick={() => void copy()}>{copied ? 'Copied' : 'Copy'}</button>
      </div>
      <div className="actions">
        <button type="button" className="secondary" onClick={onDone}>Done</button>
      </div>
    </section>
  );
}
