/**
 * Shape checks for JSON request bodies: each names the offending field by its path, as Databricks' own
 * INVALID_PARAMETER_VALUE messages do, so a caller can find what to fix.
 */
import { invalid } from './error-replies.js';

export type Json = Record<string, unknown>;

function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

export function object(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`Invalid ${path}: expected an object, got ${typeName(value)}.`);
  }
  return value as Json;
}

export function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(`Invalid ${path}: expected an array, got ${typeName(value)}.`);
  return value;
}

export function string(value: unknown, path: string): string {
  if (typeof value !== 'string') throw invalid(`Invalid ${path}: expected a string, got ${typeName(value)}.`);
  return value;
}

export function boolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw invalid(`Invalid ${path}: expected a boolean, got ${typeName(value)}.`);
  return value;
}

export function count(value: unknown, path: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw invalid(`Invalid ${path}: expected an integer from 0 to ${max}, got ${JSON.stringify(value)}.`);
  }
  return value;
}

export function oneOf(value: unknown, allowed: readonly string[], path: string): string {
  const text = string(value, path);
  if (!allowed.includes(text)) {
    throw invalid(`Invalid ${path} '${text}': must be one of ${allowed.join(', ')} (case-sensitive).`);
  }
  return text;
}

export function onlyFields(body: Json, allowed: readonly string[], path: string, hints: Record<string, string> = {}): void {
  for (const field of Object.keys(body)) {
    if (allowed.includes(field)) continue;
    const hint = hints[field];
    throw invalid(`Unknown field '${field}' in ${path}.${hint ? ` ${hint}` : ''}`);
  }
}
