export { rint, SchemaField, EntitySchema, EntitySchemaBuilder, MAX_SLOTS } from './schema.js';
export type { FieldKind } from './schema.js';
export { WorldState } from './worldState.js';
export { DeltaDecoder, DeltaError, uint64Low, uint64High, uint64ToNumber } from './deltaDecoder.js';
export type { Uint64 } from './deltaDecoder.js';
export { WireParser, PROTOCOL_VERSION } from './wireParser.js';
export { CloseCodes, TickwireError } from './closeCodes.js';
