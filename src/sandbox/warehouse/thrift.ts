/**
 * The TCLIService code generated for Thrift, as shipped inside @databricks/sql (and the Arrow library it reads): the same structs the driver
 * writes are the ones the warehouse reads, so the two cannot drift apart.
 */
import { createRequire } from 'node:module';

// Inside the CommonJS bundle (dist/bin/server.cjs) import.meta is empty and __filename is the bundle's path.
const require = createRequire(import.meta.url ?? __filename);

export const T = require('@databricks/sql/thrift/TCLIService_types.js') as typeof import('@databricks/sql/thrift/TCLIService_types.js');
export const TCLIService = require('@databricks/sql/thrift/TCLIService.js') as typeof import('@databricks/sql/thrift/TCLIService.js');
export const thrift = require('thrift') as typeof import('thrift');

/**
 * apache-arrow 13's export map names no type declarations for NodeNext, so its types are taken from the
 * package folder; the runtime is the CommonJS build the driver itself loads.
 */
export const arrow = require('apache-arrow') as typeof import('../../../node_modules/apache-arrow/Arrow.node.js');
