import { useState, type FormEvent } from 'react';
import type { PushPriority, SendPushRequest, SendPushResponse } from '@basalt/contracts';
import { request } from '../../api';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { useToast } from '../../components/Toasts';
import { localInputToIso, shortId } from '../../format';
import { useSubmit } from '../../useSubmit';

/** The message under `key` or any key inside it (`target.topics.0`, `data.from`). */
function errorFor(details: Record<string, string>, key: string): string | undefined {
  const found = Object.keys(details).find((k) => k === key || k.startsWith(`${key}.`));
  return found ? (found === key ? details[found] : `${found.slice(key.length + 1)}: ${details[found]}`) : undefined;
}

const list = (text: string) => text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);

/** Sends (or schedules, with `sendAt`) a notification to topics, users and devices. */
export function SendPushForm({ onSent, onCancel }: { onSent(message: SendPushResponse): void; onCancel(): void }) {
  const toast = useToast();
  const submit = useSubmit();
  const [topics, setTopics] = useState('');
  const [users, setUsers] = useState('');
  const [devices, setDevices] = useState('');
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [data, setData] = useState('');
  const [sendAt, setSendAt] = useState('');
  const [priority, setPriority] = useState<PushPriority>('high');
  const [dataError, setDataError] = useState<string>();
  const d = submit.details;

  async function send(e: FormEvent) {
    e.preventDefault();
    setDataError(undefined);
    const message: SendPushRequest = { target: {}, notification: { title, body }, priority };
    if (list(topics).length) message.target.topics = list(topics);
    if (list(users).length) message.target.users = list(users);
    if (list(devices).length) message.target.devices = list(devices);
    if (data.trim()) {
      try {
        const parsed: unknown = JSON.parse(data);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error();
        message.data = parsed as Record<string, string>;
      } catch {
        setDataError('must be a JSON object of strings, e.g. {"orderId": "42"}');
        return;
      }
    }
    if (sendAt) message.sendAt = localInputToIso(sendAt);
    const sent = await submit.run(() => request<SendPushResponse>('POST', '/api/push/messages', { body: message }));
    if (!sent) return;
    toast.success(sendAt ? `Message ${shortId(sent.id)} scheduled` : `Message ${shortId(sent.id)} queued`);
    onSent(sent);
  }

  const placed = ['target', 'notification', 'data', 'sendAt', 'priority'].some((k) => errorFor(d, k));
  return (
    <form className="card" onSubmit={send} aria-label="Send a push message">
      <h2>Send a push message</h2>
      <ErrorNotice error={placed ? undefined : submit.error} />
      <p className="muted small-text">Name at least one topic, user or device; a device matched several ways gets the message once.</p>
      <div className={errorFor(d, 'target') && !errorFor(d, 'target.topics') && !errorFor(d, 'target.users') && !errorFor(d, 'target.devices') ? 'has-error' : undefined}>
        <Field label="Topics" htmlFor="push-topics" hint="Comma-separated, e.g. news, offers" error={errorFor(d, 'target.topics')}>
          <input id="push-topics" value={topics} onChange={(e) => setTopics(e.target.value)} />
        </Field>
        <Field label="Users" htmlFor="push-users" hint="User ids, comma-separated" error={errorFor(d, 'target.users')}>
          <input id="push-users" className="mono" value={users} onChange={(e) => setUsers(e.target.value)} />
        </Field>
        <Field label="Devices" htmlFor="push-devices" hint="Device ids, comma-separated" error={errorFor(d, 'target.devices')}>
          <input id="push-devices" className="mono" value={devices} onChange={(e) => setDevices(e.target.value)} />
        </Field>
        {d.target && <div className="field-error" role="alert">Target: {d.target}</div>}
      </div>
      <Field label="Title" htmlFor="push-title" error={errorFor(d, 'notification.title')}>
        <input id="push-title" required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
      </Field>
      <Field label="Body" htmlFor="push-body" error={errorFor(d, 'notification.body')}>
        <textarea id="push-body" required maxLength={2000} rows={3} value={body} onChange={(e) => setBody(e.target.value)} />
      </Field>
      <Field label="Data (optional JSON object)" htmlFor="push-data" hint="String values only, at most 2 KB." error={dataError ?? errorFor(d, 'data')}>
        <textarea id="push-data" className="mono" rows={2} placeholder='{"orderId": "42"}' value={data} onChange={(e) => setData(e.target.value)} />
      </Field>
      <div className="field-row">
        <Field label="Send at (optional)" htmlFor="push-send-at" hint="Your local time, at most 30 days ahead. Empty: now." error={errorFor(d, 'sendAt')}>
          <input id="push-send-at" type="datetime-local" step={1} value={sendAt} onChange={(e) => setSendAt(e.target.value)} />
        </Field>
        <Field label="Priority" htmlFor="push-priority" error={errorFor(d, 'priority')}>
          <select id="push-priority" value={priority} onChange={(e) => setPriority(e.target.value as PushPriority)}>
            <option value="high">high</option>
            <option value="normal">normal</option>
          </select>
        </Field>
      </div>
      <div className="actions">
        <button type="submit" disabled={submit.busy}>{submit.busy ? 'Sending…' : sendAt ? 'Schedule' : 'Send'}</button>
        <button type="button" className="secondary" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
