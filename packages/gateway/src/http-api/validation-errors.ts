// Schema failures as the API reports them: the field at fault as a dotted path (`to`,
// `targets.0.connector`), never ajv's JSON pointer, and one sentence naming it.
import type { ErrorObject } from 'ajv';

/** The subset of an ajv error the API reads (fastify's `FastifySchemaValidationError` has it too). */
export type SchemaFailure = Pick<ErrorObject, 'instancePath' | 'params' | 'message'>;

/** The dotted path of the field a schema failure is about (a missing or unknown property included). */
export function fieldOf(failure: SchemaFailure, root?: string): string {
  const path = failure.instancePath
    .split('/')
    .slice(1)
    .map((step) => step.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = failure.params as { missingProperty?: unknown; additionalProperty?: unknown };
  if (typeof params.missingProperty === 'string') path.push(params.missingProperty);
  else if (typeof params.additionalProperty === 'string') path.push(params.additionalProperty);
  if (path.length === 0 && root !== undefined) return root;
  return path.join('.');
}

/** A sentence for a schema failure on `field`. */
export function messageOf(failure: SchemaFailure, field: string): string {
  const params = failure.params as { missingProperty?: unknown; additionalProperty?: unknown };
  if (typeof params.missingProperty === 'string') return `${field} is required`;
  if (typeof params.additionalProperty === 'string') return `${field} is not a known field`;
  return `${field === '' ? 'the body' : field} ${failure.message ?? 'is not valid'}`;
}
