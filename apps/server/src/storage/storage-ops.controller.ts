import type { StorageReconcileResult } from '@basalt/contracts';
import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../common/auth/access.decorator.js';
import { StorageReconciler } from './jobs/storage-reconciler.js';

@ApiTags('storage')
@Controller('storage')
@AdminOnly()
export class StorageOpsController {
  constructor(private readonly reconciler: StorageReconciler) {}

  /** Runs the reconciler now (it also runs hourly on workers) and says what it removed. */
  @Post('reconcile')
  @HttpCode(200)
  reconcile(): Promise<StorageReconcileResult> {
    return this.reconciler.run();
  }
}
