/**
 * Value types and the conversion of a person's text: kept at this path for
 * callers of older versions; the code is the value codec's
 * (`codec/value.ts`).
 *
 * @module
 */

export {
  ConversionError,
  convertText,
  mismatch,
  parseValueType,
  typeNames,
  typeOfKind,
  typeOfValue,
  type ValueType,
  valueTypes,
  type WideInteger,
  wideIntegers,
} from "./codec/value.ts";
