import 'reflect-metadata';
import { plainToInstance, Transform, Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Matches, Min, ValidateNested, validate } from 'class-validator';
import { AppError } from './app-error.js';
import { createValidationPipe, flattenValidationErrors, validationFailed } from './validation.js';

class LineDto {
  @IsString() sku!: string;
  @IsInt() @Min(1) qty!: number;
}

class AddressDto {
  @IsNotEmpty() street!: string;
  @Matches(/^\d{5}$/, { message: 'must be five digits' }) zip!: string;
}

class OrderDto {
  @IsString() name!: string;
  @IsOptional() @IsString({ each: true }) tags?: string[];
  @ValidateNested() @Type(() => AddressDto) address!: AddressDto;
  @ValidateNested({ each: true }) @Type(() => LineDto) lines!: LineDto[];
}

const VALID = { name: 'order', address: { street: 'Main St', zip: '12345' }, lines: [{ sku: 'a', qty: 1 }] };

async function errorsOf(plain: Record<string, unknown>) {
  return validate(plainToInstance(OrderDto, plain));
}

describe('flattenValidationErrors', () => {
  it('answers {} for a valid object', async () => {
    expect(flattenValidationErrors(await errorsOf(VALID))).toEqual({});
  });

  it.each<[string, Record<string, unknown>, Record<string, string>]>([
    ['a top-level property, dropping the repeated property name', { ...VALID, name: 5 }, { name: 'must be a string' }],
    ['"should" messages as "must"', { ...VALID, address: { street: '', zip: '12345' } }, { 'address.street': 'must not be empty' }],
    ['a custom message unchanged', { ...VALID, address: { street: 'x', zip: 'abc' } }, { 'address.zip': 'must be five digits' }],
    [
      'array elements by index',
      { ...VALID, lines: [{ sku: 'a', qty: 1 }, { sku: 7, qty: 0 }] },
      { 'lines.1.sku': 'must be a string', 'lines.1.qty': 'must not be less than 1' },
    ],
    ['a message that does not start with the property name unchanged', { ...VALID, tags: ['ok', 3] }, { tags: 'each value in tags must be a string' }],
  ])('flattens %s', async (_, plain, expected) => {
    expect(flattenValidationErrors(await errorsOf(plain))).toEqual(expected);
  });

  it('keeps only the first message of a property with several problems', async () => {
    const details = flattenValidationErrors(await errorsOf({ ...VALID, lines: [{ sku: 'a', qty: 'many' }] }));
    expect(Object.keys(details)).toEqual(['lines.0.qty']);
    expect(['must be an integer number', 'must not be less than 1']).toContain(details['lines.0.qty']);
  });

  it('reports every bad property at every depth at once', async () => {
    const details = flattenValidationErrors(
      await errorsOf({ name: null, address: { street: '', zip: '1' }, lines: [{ sku: 's', qty: 2 }, { sku: 's', qty: -1 }] }),
    );
    expect(details).toEqual({
      name: 'must be a string',
      'address.street': 'must not be empty',
      'address.zip': 'must be five digits',
      'lines.1.qty': 'must not be less than 1',
    });
  });

  it('prefixes every path with the parent', async () => {
    expect(flattenValidationErrors(await errorsOf({ ...VALID, name: 1, address: { street: 'x', zip: 'z' } }), 'order')).toEqual({
      'order.name': 'must be a string',
      'order.address.zip': 'must be five digits',
    });
  });
});

describe('validationFailed', () => {
  it('answers validation_failed naming the first problem, with every problem in details', async () => {
    const error = validationFailed(await errorsOf({ ...VALID, name: 1, lines: [{ sku: 'a', qty: 0 }] }));
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('validation_failed');
    expect(error.message).toBe('name: must be a string');
    expect(error.details).toEqual({ name: 'must be a string', 'lines.0.qty': 'must not be less than 1' });
  });

  it('still answers validation_failed when no error has a message', () => {
    const error = validationFailed([]);
    expect(error.message).toBe('body: is invalid');
    expect(error.details).toEqual({});
  });
});

class PageQueryDto {
  @IsOptional() @IsInt() limit?: number;
  @IsString() shape = 'full';
}

class CallbackQueryDto {
  @IsString() code!: string;
}

class ListQueryDto {
  @IsOptional() @IsInt() @Type(() => Number) limit?: number;
  @IsOptional() @IsString({ each: true }) @Transform(({ value }) => String(value).split(',')) fields?: string[];
}

describe('the validation pipe on queries it has seen before', () => {
  const pipe = createValidationPipe();
  const query = (metatype: new () => object) => ({ type: 'query' as const, metatype });

  it('answers an instance of the DTO with its defaults, each time a fresh one', async () => {
    const first = await pipe.transform({}, query(PageQueryDto));
    const second = await pipe.transform({}, query(PageQueryDto));
    for (const q of [first, second]) {
      expect(q).toBeInstanceOf(PageQueryDto);
      expect({ ...q }).toEqual({ shape: 'full' });
    }
    expect(second).not.toBe(first);
  });

  it('answers a repeated query with the same transformed values, which the handler may change freely', async () => {
    const first = (await pipe.transform({ limit: '5', fields: 'a,b' }, query(ListQueryDto))) as ListQueryDto;
    first.fields!.push('changed');
    first.limit = 99;
    const second = (await pipe.transform({ limit: '5', fields: 'a,b' }, query(ListQueryDto))) as ListQueryDto;
    expect(second).toBeInstanceOf(ListQueryDto);
    expect({ ...second }).toEqual({ limit: 5, fields: ['a', 'b'] });
    expect(await pipe.transform({ limit: '6' }, query(ListQueryDto))).toMatchObject({ limit: 6 });
  });

  it('keeps answers apart per DTO class', async () => {
    await pipe.transform({ limit: '5' }, query(ListQueryDto));
    await expect(pipe.transform({ limit: '5' }, query(PageQueryDto))).rejects.toMatchObject({ details: { limit: expect.any(String) } });
  });

  it('still refuses an empty query when the DTO requires a field, every time', async () => {
    for (let i = 0; i < 2; i++) {
      await expect(pipe.transform({}, query(CallbackQueryDto))).rejects.toMatchObject({ code: 'validation_failed', details: { code: expect.any(String) } });
    }
  });

  it('refuses an invalid query every time it comes', async () => {
    for (let i = 0; i < 2; i++) {
      await expect(pipe.transform({ limit: 'x' }, query(ListQueryDto))).rejects.toBeInstanceOf(AppError);
      await expect(pipe.transform({ other: '1' }, query(ListQueryDto))).rejects.toMatchObject({ details: { other: expect.any(String) } });
    }
  });
});
