export * from './ast';
export { FilterError } from './errors';
export { DEFAULT_FILTER_LIMITS, type FilterLimits, type FilterOptions } from './limits';
export { parseFilter } from './parser';
export { print, printLiteral, printOperand } from './printer';
export { bindParams, resolveParams, type FilterParams, type FilterParamValue } from './params';
export { collectFields, collectOperands, collectParams, comparisons, countComparisons, mapOperands } from './visit';
