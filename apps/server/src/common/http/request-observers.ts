import { Injectable } from '@nestjs/common';

/** One finished HTTP request, as the request log and the metrics see it. */
export interface FinishedRequest {
  requestId: string;
  method: string;
  /** The path without the query string. */
  path: string;
  /** The matched route pattern (e.g. /api/admin/keys/:id), for metrics labels; null for unknown routes. */
  route: string | null;
  status: number;
  durationMs: number;
  principal: string;
  ip: string;
}

export type RequestObserver = (r: FinishedRequest) => void;

/** Features that want to see every finished request (request log, metrics) register here. */
@Injectable()
export class RequestObservers {
  private readonly observers: RequestObserver[] = [];

  add(observer: RequestObserver): void {
    this.observers.push(observer);
  }

  notify(r: FinishedRequest): void {
    for (const o of this.observers) o(r);
  }
}
