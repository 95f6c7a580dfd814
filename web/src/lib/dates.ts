import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import timezone from "dayjs/plugin/timezone";
import utc from "dayjs/plugin/utc";

dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.locale("zh-cn");

// Campaign deadlines are Beijing dates whatever the browser's zone is.
export const ZONE = "Asia/Shanghai";

/** 2026年7月3日 — the form people read. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return "—";
  const d = value.length === 10 ? dayjs.tz(value, ZONE) : dayjs(value).tz(ZONE);
  if (!d.isValid()) return "—";
  return `${d.year()}年${d.month() + 1}月${d.date()}日`;
}

/** 2026年7月3日 14:05 */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return "—";
  const d = dayjs(value).tz(ZONE);
  if (!d.isValid()) return "—";
  return `${formatDate(value)} ${d.format("HH:mm")}`;
}

/** The Beijing calendar date (YYYY-MM-DD) of an instant. */
export function beijingDate(value: string | Date): string {
  return dayjs(value).tz(ZONE).format("YYYY-MM-DD");
}

/** The last day of a deadline instant: the server ends "X月X日前" at 24:00, i.e. 00:00 of the next
 * day in Beijing, which a person reads as X月X日 itself. */
export function dueDay(dueAt: string): string {
  const d = dayjs(dueAt).tz(ZONE);
  const midnight = d.hour() === 0 && d.minute() === 0 && d.second() === 0;
  return (midnight ? d.subtract(1, "day") : d).format("YYYY-MM-DD");
}

/** A due date as people read it: 2026年7月3日, with the time only when it is not the day's end. */
export function formatDue(dueAt: string | null | undefined): string {
  if (!dueAt) return "—";
  const d = dayjs(dueAt).tz(ZONE);
  if (!d.isValid()) return "—";
  const day = formatDate(dueDay(dueAt));
  return d.hour() === 0 && d.minute() === 0 && d.second() === 0 ? day : `${day} ${d.format("HH:mm")}`;
}

export type DueState = "overdue" | "soon" | "normal" | "none";

/** Overdue (the server says so, by its clock), or due on or before `soonUntil` (the Beijing date two
 * working days ahead). */
export function dueState(dueAt: string | null | undefined, overdue: boolean, soonUntil: string | null): DueState {
  if (!dueAt) return "none";
  if (overdue) return "overdue";
  if (soonUntil && dueDay(dueAt) <= soonUntil) return "soon";
  return "normal";
}

/** Whole calendar days from today (Beijing) to a date; negative when past. */
export function daysLeft(date: string, now: Date): number {
  return dayjs.tz(date, ZONE).diff(dayjs.tz(beijingDate(now), ZONE), "day");
}
