import { OmitType } from '@nestjs/swagger';
import { ListRecordsQueryDto } from '../../../collections/records/dto/records-query.dto.js';

/** `GET /api/admin/users`: the records list parameters, cursor paging only. */
export class ListUsersQueryDto extends OmitType(ListRecordsQueryDto, ['offset', 'fields', 'expand'] as const) {}
