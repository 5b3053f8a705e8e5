/**
 * Every job name and its payload. At boot each name must have exactly one handler.
 * Features add their jobs here so the queue, the worker and the dashboard agree on them.
 */
export interface JobPayloads {
  'mail.send': { to: string; subject: string; text: string; html?: string };
  /** Removes a stored file: its row (if still there) and its blob `files/<bucket>/<fileId>`. */
  'storage.cleanup': { fileId: string; bucket: string };
  /** Removes blobs without rows and uploads stuck in `pending`. */
  'storage.reconcile': Record<string, never>;
  /** Pages a push message's target devices into delivery batches. */
  'push.fanout': { messageId: string };
  /** Sends one batch of a push message. */
  'push.deliver': { messageId: string; batch: number };
}
export type JobName = keyof JobPayloads;
export type JobPayload<N extends JobName> = JobPayloads[N];

const JOB_NAME_SET: Record<JobName, true> = { 'mail.send': true, 'storage.cleanup': true, 'storage.reconcile': true, 'push.fanout': true, 'push.deliver': true };
/** Every job name, for the boot-time check that each has exactly one handler. */
export const JOB_NAMES = Object.keys(JOB_NAME_SET) as JobName[];
