import { DECORATORS, type OpenAPIObject, type OperationObject, type ParameterObject, type RequestBodyObject, type SchemaObject } from '@nestjs/swagger';
import { ListRecordsQueryDto, RecordShapeQueryDto } from './dto/records-query.dto.js';
import { RECORDS_PATH } from './record-routes.js';

interface DeclaredProperty {
  type?: unknown;
  description?: string;
  example?: unknown;
  minimum?: number;
  maximum?: number;
  default?: unknown;
}

/**
 * The records routes are Fastify routes (RecordRoutes), which the document generated from Nest's
 * controllers cannot see: they are added here, their query parameters taken from the same DTOs and
 * `@ApiProperty` declarations the validation uses.
 */
export function documentRecordRoutes(doc: OpenAPIObject): void {
  const page = RECORDS_PATH.replace(/:(\w+)/g, '{$1}');
  const one = `${page}/{id}`;
  const collection = pathParameter('collection', 'The collection name');
  const id = pathParameter('id', 'The record id', 'uuid');
  const ifMatch = header('If-Match', 'An ETag: the write is refused with 409 unless the record still has it');
  const operation = (name: string, summary: string, rest: Omit<OperationObject, 'operationId' | 'summary' | 'tags'>): OperationObject => ({
    operationId: `RecordRoutes_${name}`,
    summary,
    tags: ['records'],
    ...rest,
    responses: { ...rest.responses, ...ERRORS },
  });
  doc.paths[page] = {
    get: operation('list', 'A page of the records the caller may list', {
      parameters: [collection, ...queryParameters(ListRecordsQueryDto)],
      responses: { 200: { description: '{ items, limit, nextCursor, total? }' } },
    }),
    post: operation('create', 'Creates a record', {
      parameters: [collection],
      requestBody: RECORD_BODY,
      responses: { 201: { description: 'The record, with its ETag header' }, 409: { description: 'conflict (error envelope)' } },
    }),
  };
  doc.paths[one] = {
    get: operation('get', 'One record, if the caller may view it', {
      parameters: [collection, id, ...queryParameters(RecordShapeQueryDto), header('If-None-Match', 'An ETag: 304 when the record still has it')],
      responses: { 200: { description: 'The record, with its ETag header' }, 304: { description: 'Not modified' } },
    }),
    patch: operation('update', 'Changes the fields given', {
      parameters: [collection, id, ifMatch],
      requestBody: RECORD_BODY,
      responses: { 200: { description: 'The record, with its new ETag header' }, 409: { description: 'conflict (error envelope)' } },
    }),
    delete: operation('delete', 'Deletes a record', {
      parameters: [collection, id, ifMatch],
      responses: { 204: { description: 'Deleted' }, 409: { description: 'conflict (error envelope)' } },
    }),
  };
}

const RECORD_BODY: RequestBodyObject = {
  required: true,
  content: { 'application/json': { schema: { type: 'object', additionalProperties: true, description: "Field values, by the collection's schema" } } },
};

const ERRORS = {
  400: { description: 'validation_failed or invalid_filter (error envelope)' },
  401: { description: 'unauthorized (error envelope)' },
  403: { description: 'forbidden (error envelope)' },
  404: { description: 'not_found (error envelope)' },
};

function pathParameter(name: string, description: string, format?: string): ParameterObject {
  return { name, in: 'path', required: true, description, schema: { type: 'string', ...(format && { format }) } };
}

function header(name: string, description: string): ParameterObject {
  return { name, in: 'header', required: false, description, schema: { type: 'string' } };
}

/** One optional query parameter per documented DTO property; lists (`fields`, `expand`) travel comma-separated. */
function queryParameters(dto: new () => object): ParameterObject[] {
  const names: string[] = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, dto.prototype) ?? [];
  return names.map((key) => {
    const name = key.replace(/^:/, '');
    const { type, description, example, minimum, maximum, default: byDefault } = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, dto.prototype, name) as DeclaredProperty;
    const schema: SchemaObject = {
      type: type === Number ? 'integer' : type === Boolean ? 'boolean' : 'string',
      ...(minimum !== undefined && { minimum }),
      ...(maximum !== undefined && { maximum }),
      ...(byDefault !== undefined && { default: byDefault }),
    };
    return { name, in: 'query', required: false, ...(description && { description }), ...(example !== undefined && { example }), schema };
  });
}
