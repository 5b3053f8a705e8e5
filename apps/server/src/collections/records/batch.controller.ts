import type { BatchResponse, Principal } from '@basalt/contracts';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AppError, Errors } from '../../common/app-error.js';
import { CurrentPrincipal } from '../../common/auth/current-principal.decorator.js';
import { isUuid } from '../../common/ids.js';
import { BatchDto } from './dto/batch.dto.js';
import { RecordsService } from './records.service.js';

/**
 * All or nothing: every sub-request runs in one transaction, judged exactly as if sent alone. The
 * first failure undoes them all and answers with that failure, naming its index.
 */
@ApiTags('records')
@Controller('batch')
export class BatchController {
  constructor(private readonly records: RecordsService) {}

  @Post()
  @HttpCode(200)
  async run(@CurrentPrincipal() principal: Principal, @Body() body: BatchDto): Promise<BatchResponse> {
    return this.records.transaction(async (tx) => {
      const scope = await this.records.scope(principal, tx.em);
      const results: BatchResponse['results'] = [];
      for (const [index, item] of body.requests.entries()) {
        try {
          if (item.method !== 'POST' && !isUuid(item.id)) throw Errors.notFound('record');
          const schema = this.records.collection(item.collection);
          const { record } = await this.records.write(tx, scope, schema, item);
          results.push(
            record
              ? { status: item.method === 'POST' ? 201 : 200, body: this.records.shape(schema, record, scope) }
              : { status: 204 },
          );
        } catch (e) {
          if (e instanceof AppError) throw new AppError(e.code, `requests.${index}: ${e.message}`, { ...e.details, index: String(index) }, { cause: e });
          throw e;
        }
      }
      return { results };
    });
  }
}
