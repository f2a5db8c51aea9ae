const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateTimeSeconds = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function formatTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

/** With seconds: for attempts and retries a few seconds apart. */
export function formatTimeSeconds(iso: string): string {
  return dateTimeSeconds.format(new Date(iso));
}

export function relativeTime(iso: string, now = Date.now()): string {
  const s = Math.round((now - new Date(iso).getTime()) / 1000);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return formatTime(iso);
}

/** How long until a time ahead (a retry that is due): `in 40 s`, `in 3 min`, `now` once it is due. */
export function untilTime(iso: string, now = Date.now()): string {
  const s = Math.round((new Date(iso).getTime() - now) / 1000);
  if (s <= 0) return 'now';
  if (s < 60) return `in ${s} s`;
  if (s < 3600) return `in ${Math.round(s / 60)} min`;
  if (s < 86_400) return `in ${Math.round(s / 3600)} h`;
  return formatTime(iso);
}

export function percent(confidence: number): string {
  return `${Math.round(confidence * 100)}%`;
}
