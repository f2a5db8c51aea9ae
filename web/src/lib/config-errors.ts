/**
 * The API names one offending path in its validation messages: `...; Path: config.classifications.1.id`.
 * This splits it off so the message can sit beside the field it is about.
 */
export interface FieldError {
  message: string;
  /** The path below `config`, e.g. `classifications.1.id`; '' when the message names none. */
  path: string;
}

export function splitApiPath(message: string): FieldError {
  const m = /^(.*); Path: (\S+)$/s.exec(message);
  if (!m) return { message, path: '' };
  return { message: m[1] ?? message, path: (m[2] ?? '').replace(/^config\.?/, '') };
}
