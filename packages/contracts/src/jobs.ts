/**
 * Every job name and its payload. At boot each name must have exactly one handler.
 * Features add their jobs here so the queue, the worker and the dashboard agree on them.
 */
export interface JobPayloads {
  'mail.send': { to: string; subject: string; text: string; html?: string };
}
export type JobName = keyof JobPayloads;
export type JobPayload<N extends JobName> = JobPayloads[N];

const JOB_NAME_SET: Record<JobName, true> = { 'mail.send': true };
/** Every job name, for the boot-time check that each has exactly one handler. */
export const JOB_NAMES = Object.keys(JOB_NAME_SET) as JobName[];
