import { z } from 'zod';
import type { AnyHandler } from './handler.ts';
import { CATEGORIES } from './handler.ts';
import { KEY_PATTERN, toolNameForKey } from './tool-names.ts';

/**
 * What a well-declared handler has: a valid key and category, a real description, a description on every
 * input field (models read them), at least two examples (English plus Italian or Indonesian) that pass the schema.
 * Returns the problems found; an empty list means the declaration is complete.
 */
export function lintHandler(handler: AnyHandler): string[] {
  const problems: string[] = [];
  if (!KEY_PATTERN.test(handler.key)) problems.push(`key "${handler.key}" must be dotted lower-case segments`);
  else {
    try {
      toolNameForKey(handler.key);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (!(CATEGORIES as readonly string[]).includes(handler.category))
    problems.push(`unknown category "${handler.category}"`);
  if (!handler.description || handler.description.trim().length < 20)
    problems.push('description missing or shorter than 20 characters');
  if (!handler.roles?.length) problems.push('no roles allow it');
  if (handler.pure && handler.effect !== 'read') problems.push('only a read handler can be pure');
  if (!(handler.input instanceof z.ZodObject)) problems.push('input must be a z.object');
  else {
    for (const path of fieldsWithoutDescription(handler.input))
      problems.push(`input field "${path}" has no description`);
  }
  if (!handler.examples || handler.examples.length < 2)
    problems.push('needs at least two examples (English plus Italian or Indonesian)');
  for (const [i, example] of (handler.examples ?? []).entries()) {
    const result = handler.input.safeParse(example.params);
    if (!result.success)
      problems.push(
        `example ${i + 1} does not match the schema: ${result.error.issues.map((x) => x.message).join('; ')}`,
      );
  }
  return problems;
}

function fieldsWithoutDescription(schema: z.ZodObject, prefix = ''): string[] {
  const missing: string[] = [];
  for (const [name, field] of Object.entries(schema.shape)) {
    const path = prefix + name;
    const described = describedOf(field as z.ZodType);
    if (!described) missing.push(path);
    const inner = unwrap(field as z.ZodType);
    if (inner instanceof z.ZodObject) missing.push(...fieldsWithoutDescription(inner, `${path}.`));
    if (inner instanceof z.ZodArray && unwrap(inner.element as z.ZodType) instanceof z.ZodObject) {
      missing.push(...fieldsWithoutDescription(unwrap(inner.element as z.ZodType) as z.ZodObject, `${path}[].`));
    }
  }
  return missing;
}

function describedOf(schema: z.ZodType): boolean {
  let current: z.ZodType | undefined = schema;
  while (current) {
    if (current.description) return true;
    current = innerOf(current);
  }
  return false;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let next = innerOf(current); next; next = innerOf(current)) current = next;
  return current;
}

function innerOf(schema: z.ZodType): z.ZodType | undefined {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault)
    return schema.unwrap() as z.ZodType;
  return undefined;
}
