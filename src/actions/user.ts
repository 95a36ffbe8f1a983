/** Who is acting: named in StopTask reasons and in every journal line. */
import { userInfo } from 'node:os';
import { sanitizeText } from '../domain/sanitize.ts';

/** ECS's limit on a StopTask reason. */
export const MAX_STOP_REASON_LENGTH = 255;
const MAX_USER_LENGTH = 64;

/** The OS user (os.userInfo, else $USER / $USERNAME), sanitised; 'unknown' when nothing says. */
export function currentUser(env: Readonly<Record<string, string | undefined>> = process.env): string {
  let name: string | undefined;
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry (some containers): fall back to the environment.
  }
  name ||= env.USER || env.USERNAME || env.LOGNAME;
  return cleanUser(name);
}

/** A user name fit for a reason and a journal line: one line, no control characters, bounded. */
export function cleanUser(name: string | undefined): string {
  const clean = sanitizeText(name ?? '', { maxLength: MAX_USER_LENGTH }).trim();
  return clean === '' ? 'unknown' : clean;
}

/** "Stopped by <user> from ecsdeck", at most 255 characters whatever the user name. */
export function stopReason(user: string): string {
  const suffix = ' from ecsdeck';
  const prefix = 'Stopped by ';
  const room = MAX_STOP_REASON_LENGTH - prefix.length - suffix.length;
  const who = cleanUser(user);
  return `${prefix}${who.length > room ? who.slice(0, room) : who}${suffix}`;
}
