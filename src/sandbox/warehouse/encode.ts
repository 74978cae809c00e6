/**
 * Result sets on the wire: the TTableSchema the driver reads types from, and the rows as Arrow IPC batches
 * (what real warehouses send, so DATE and TIMESTAMP reach the caller as Date) or as Thrift columns.
 */
import Int64 from 'node-int64';
import type { ColumnKind, ResultColumn } from './results.js';
import { arrow, T } from './thrift.js';

const {
  Binary,
  Bool,
  DateDay,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64: ArrowInt64,
  Int8,
  makeData,
  RecordBatch,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  TimestampMicrosecond,
  Utf8,
  vectorFromArray,
} = arrow;
type DataType = InstanceType<typeof arrow.DataType>;

const TYPE_IDS: Record<ColumnKind, number> = {
  boolean: T.TTypeId.BOOLEAN_TYPE,
  tinyint: T.TTypeId.TINYINT_TYPE,
  smallint: T.TTypeId.SMALLINT_TYPE,
  int: T.TTypeId.INT_TYPE,
  bigint: T.TTypeId.BIGINT_TYPE,
  float: T.TTypeId.FLOAT_TYPE,
  double: T.TTypeId.DOUBLE_TYPE,
  decimal: T.TTypeId.DECIMAL_TYPE,
  string: T.TTypeId.STRING_TYPE,
  date: T.TTypeId.DATE_TYPE,
  timestamp: T.TTypeId.TIMESTAMP_TYPE,
  binary: T.TTypeId.BINARY_TYPE,
  array: T.TTypeId.ARRAY_TYPE,
  map: T.TTypeId.MAP_TYPE,
  struct: T.TTypeId.STRUCT_TYPE,
};

export function tableSchema(columns: readonly ResultColumn[]) {
  return {
    columns: columns.map((c, position) => ({
      columnName: c.name,
      position: position + 1,
      typeDesc: {
        types: [
          {
            primitiveEntry: {
              type: TYPE_IDS[c.kind],
              typeQualifiers:
                c.kind === 'decimal'
                  ? { qualifiers: { precision: { i32Value: c.precision ?? 38 }, scale: { i32Value: c.scale ?? 0 } } }
                  : undefined,
            },
          },
        ],
      },
    })),
  };
}

/**
 * Arrow types as a warehouse sends them with native timestamps: decimals travel as text and complex types as
 * JSON text (the driver converts both by the Thrift type), which is the driver's non-native form for those.
 */
function arrowType(kind: ColumnKind): DataType {
  switch (kind) {
    case 'boolean':
      return new Bool();
    case 'tinyint':
      return new Int8();
    case 'smallint':
      return new Int16();
    case 'int':
      return new Int32();
    case 'bigint':
      return new ArrowInt64();
    case 'float':
      return new Float32();
    case 'double':
      return new Float64();
    case 'date':
      return new DateDay();
    case 'timestamp':
      return new TimestampMicrosecond('Etc/UTC');
    case 'binary':
      return new Binary();
    default:
      return new Utf8();
  }
}

/** Arrow field values: timestamps as epoch milliseconds (what the Timestamp builder takes). */
function arrowValues(kind: ColumnKind, values: unknown[]): unknown[] {
  if (kind === 'timestamp') return values.map((v) => (v === null ? null : (v as Date).getTime()));
  return values;
}

function arrowStream(columns: readonly ResultColumn[], values: unknown[][], rowCount: number): Uint8Array {
  const vectors = columns.map((c, i) => vectorFromArray(arrowValues(c.kind, values[i] ?? []), arrowType(c.kind)));
  const fields = columns.map((c, i) => new Field(c.name, vectors[i]!.type, true));
  const data = makeData({
    type: new Struct(fields),
    length: rowCount,
    nullCount: 0,
    children: vectors.map((v) => (v.data.length === 1 ? v.data[0]! : makeData({ type: v.type, length: 0 }))),
  });
  return RecordBatchStreamWriter.writeAll([new RecordBatch(new Schema(fields), data)]).toUint8Array(true);
}

/** Length of the schema message at the head of an Arrow stream (continuation marker, length, metadata). */
function schemaMessageLength(stream: Uint8Array): number {
  return 8 + new DataView(stream.buffer, stream.byteOffset, stream.byteLength).getInt32(4, true);
}

const END_OF_STREAM = 8;

export function arrowSchema(columns: readonly ResultColumn[]): Buffer {
  const stream = arrowStream(columns, columns.map(() => []), 0);
  return Buffer.from(stream.subarray(0, schemaMessageLength(stream)));
}

/** One record batch (the stream minus schema and end marker), as TSparkArrowBatch. */
export function arrowBatch(columns: readonly ResultColumn[], values: unknown[][], rowCount: number) {
  const stream = arrowStream(columns, values, rowCount);
  return {
    batch: Buffer.from(stream.subarray(schemaMessageLength(stream), stream.length - END_OF_STREAM)),
    rowCount: new Int64(rowCount),
  };
}

function nullBitmap(values: unknown[]): Buffer {
  const bits = Buffer.alloc(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v === null || v === undefined) bits[i >> 3]! |= 1 << (i & 7);
  });
  return bits;
}

const pad2 = (n: number) => String(n).padStart(2, '0');
const dateText = (d: Date) => `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
const timestampText = (d: Date) =>
  `${dateText(d)} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, '0')}`;

/** A TColumn: the form used by warehouses that do not send Arrow (dates and timestamps as text). */
export function thriftColumn(kind: ColumnKind, values: unknown[]) {
  const nulls = nullBitmap(values);
  const fill = <V>(f: (v: unknown) => V, empty: V) => values.map((v) => (v === null || v === undefined ? empty : f(v)));
  switch (kind) {
    case 'boolean':
      return { boolVal: { values: fill(Boolean, false), nulls } };
    case 'tinyint':
      return { byteVal: { values: fill(Number, 0), nulls } };
    case 'smallint':
      return { i16Val: { values: fill(Number, 0), nulls } };
    case 'int':
      return { i32Val: { values: fill(Number, 0), nulls } };
    case 'bigint':
      return { i64Val: { values: fill((v) => new Int64(`${BigInt.asUintN(64, v as bigint).toString(16).padStart(16, '0')}`), new Int64(0)), nulls } };
    case 'float':
    case 'double':
      return { doubleVal: { values: fill(Number, 0), nulls } };
    case 'binary':
      return { binaryVal: { values: fill((v) => Buffer.from(v as Uint8Array), Buffer.alloc(0)), nulls } };
    case 'date':
      return { stringVal: { values: fill((v) => dateText(v as Date), ''), nulls } };
    case 'timestamp':
      return { stringVal: { values: fill((v) => timestampText(v as Date), ''), nulls } };
    default:
      return { stringVal: { values: fill(String, ''), nulls } };
  }
}
