import { DECORATORS, type OpenAPIObject, type ParameterObject, type SchemaObject } from '@nestjs/swagger';
import { ListRecordsQueryDto, RecordShapeQueryDto } from './dto/records-query.dto.js';
import { RECORDS_PATH } from './record-read-routes.js';

interface DeclaredProperty {
  type?: unknown;
  description?: string;
  example?: unknown;
  minimum?: number;
  maximum?: number;
  default?: unknown;
}

/**
 * The record read routes are Fastify routes (RecordReadRoutes), which the document generated from
 * Nest's controllers cannot see: they are added here, their query parameters taken from the same
 * DTOs and `@ApiProperty` declarations the validation uses.
 */
export function documentRecordReads(doc: OpenAPIObject): void {
  const openApiPath = RECORDS_PATH.replace(/:(\w+)/g, '{$1}');
  const collection = pathParameter('collection', 'The collection name');
  doc.paths[openApiPath] = {
    ...doc.paths[openApiPath],
    get: {
      operationId: 'RecordReadRoutes_list',
      summary: 'A page of the records the caller may list',
      tags: ['records'],
      parameters: [collection, ...queryParameters(ListRecordsQueryDto)],
      responses: { 200: { description: '{ items, limit, nextCursor, total? }' }, ...ERRORS },
    },
  };
  doc.paths[`${openApiPath}/{id}`] = {
    ...doc.paths[`${openApiPath}/{id}`],
    get: {
      operationId: 'RecordReadRoutes_get',
      summary: 'One record, if the caller may view it',
      tags: ['records'],
      parameters: [
        collection,
        pathParameter('id', 'The record id', 'uuid'),
        ...queryParameters(RecordShapeQueryDto),
        { name: 'If-None-Match', in: 'header', required: false, description: 'An ETag: 304 when the record still has it', schema: { type: 'string' } },
      ],
      responses: { 200: { description: 'The record, with its ETag header' }, 304: { description: 'Not modified' }, ...ERRORS },
    },
  };
}

const ERRORS = {
  400: { description: 'validation_failed or invalid_filter (error envelope)' },
  401: { description: 'unauthorized (error envelope)' },
  403: { description: 'forbidden (error envelope)' },
  404: { description: 'not_found (error envelope)' },
};

function pathParameter(name: string, description: string, format?: string): ParameterObject {
  return { name, in: 'path', required: true, description, schema: { type: 'string', ...(format && { format }) } };
}

/** One optional query parameter per documented DTO property; lists (`fields`, `expand`) travel comma-separated. */
export function queryParameters(dto: new () => object): ParameterObject[] {
  const names: string[] = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, dto.prototype) ?? [];
  return names.map((key) => {
    const name = key.replace(/^:/, '');
    const { type, description, example, minimum, maximum, default: byDefault } = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, dto.prototype, name) as DeclaredProperty;
    const schema: SchemaObject = { type: type === Number ? 'integer' : type === Boolean ? 'boolean' : 'string', minimum, maximum, default: byDefault };
    for (const k of Object.keys(schema) as Array<keyof SchemaObject>) if (schema[k] === undefined) delete schema[k];
    return { name, in: 'query', required: false, ...(description && { description }), ...(example !== undefined && { example }), schema };
  });
}
