import type { paths } from '../../lib/api-schema';

export type FieldType =
  paths['/api/v1/fields']['post']['requestBody']['content']['application/json']['type'];

export const FIELD_TYPE_LABELS: Record<FieldType, string> = {
  string: 'Text',
  number: 'Number',
  boolean: 'Yes / no',
  date: 'Date',
};
