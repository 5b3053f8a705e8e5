export type DependencyStatus = 'ok' | 'down';

export interface HealthResponse {
  status: 'ok';
}

export interface ReadinessResponse {
  status: 'ok' | 'unavailable';
  /** One entry per configured dependency, e.g. database, redis, blobs, mail. */
  checks: Record<string, { status: DependencyStatus; driver: string; error?: string }>;
}

export interface RequestLogEntry {
  id: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  principal: string;
  ip: string;
  requestId: string;
  createdAt: string;
}

export interface OutboxMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  createdAt: string;
}

export type JobStatus = 'waiting' | 'active' | 'completed' | 'failed';

export interface FailedJob {
  id: string;
  name: string;
  payload: unknown;
  attempts: number;
  error: string;
  failedAt: string;
}
