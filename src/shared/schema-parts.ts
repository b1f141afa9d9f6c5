/** Small zod rules the request schemas and the settings share. */
import { z } from 'zod';

export const id = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._-]+$/, 'must be an id');
export const temperature = z.number().min(0).max(5);
export const path = z.string().min(1).max(4096);
