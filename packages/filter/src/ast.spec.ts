import { BASE_OPS, COMPARE_OPS, baseOp, isAnyOp, type CompareOp } from './ast';

describe('comparison operators', () => {
  it('has every base operator and its ?any variant', () => {
    expect(COMPARE_OPS).toEqual(['=', '!=', '>', '>=', '<', '<=', '~', '!~', '?=', '?!=', '?>', '?>=', '?<', '?<=', '?~', '?!~']);
  });

  it.each(BASE_OPS)('treats %s as a plain comparison', (op) => {
    expect(isAnyOp(op)).toBe(false);
    expect(baseOp(op)).toBe(op);
  });

  it.each(BASE_OPS.map((op) => [`?${op}` as CompareOp, op]))('treats %s as an any-element %s', (anyOp, op) => {
    expect(isAnyOp(anyOp)).toBe(true);
    expect(baseOp(anyOp)).toBe(op);
  });
});
