import { toApiErrorLike } from '../api';

/** An error from the server, shown inside a page: its message and the request id to look up in the logs. */
export function ErrorNotice({ error }: { error: unknown }) {
  if (!error) return null;
  const e = toApiErrorLike(error);
  return (
    <div className="notice notice-error" role="alert">
      <div>{e.message}</div>
      {e.requestId && <div className="request-id">Request ID: {e.requestId}</div>}
    </div>
  );
}
