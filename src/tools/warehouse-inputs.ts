/** Input fields the SQL-backed tools share, defined once so both validate names and instants the same way. */
import { z } from 'zod';

export const endpointNameInput = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,63}$/, 'an endpoint name is 1-63 letters, digits, "-" or "_"')
  ;

export const instantInput = z.string().min(10).max(40);

export const warehouseIdInput = z
  .string()
  .min(1)
  .max(64)
  .optional()
  ;
