import type { RecordValues } from '../ports/provisioning-store';
import type { PrepareTools } from './collection-definition';

/** Replaces `password` by `password_hash` (scrypt, SPEC §1); the clear password goes no further. */
export async function hashPasswordField(input: RecordValues, tools: PrepareTools): Promise<RecordValues> {
  const { password, ...rest } = input;
  if (typeof password !== 'string') return rest;
  return { ...rest, password_hash: await tools.hashPassword(password) };
}
