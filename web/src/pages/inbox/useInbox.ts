import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, query } from "../../api/client";
import type { Campaign, InboxItem, Page } from "../../api/types";
import { beijingDate } from "../../lib/dates";

export interface InboxFilters {
  campaign_id?: string;
  spec?: string;
  lane?: string;
  overdue?: boolean;
  q?: string;
  page: number;
  per_page: number;
}

export function inboxPath(mode: "open" | "done", f: Partial<InboxFilters>, extra: Record<string, string | number | boolean> = {}) {
  const state = mode === "done" ? { state: "completed", mine: true, sort: "-due_at" } : {};
  return "/api/tasks" + query({ ...state, ...f, ...extra });
}

export function useInbox(mode: "open" | "done", filters: InboxFilters) {
  return useQuery({
    queryKey: ["inbox", mode, filters],
    queryFn: () => api.get<Page<InboxItem>>(inboxPath(mode, filters)),
    placeholderData: keepPreviousData,
  });
}

/** The count one filter chip would show: the same query with one page of one row. */
export function useCount(mode: "open" | "done", filters: Partial<InboxFilters>, extra: Record<string, string | boolean>, enabled = true) {
  return useQuery({
    enabled,
    queryKey: ["inbox-count", mode, filters, extra],
    queryFn: async () => (await api.get<Page<InboxItem>>(inboxPath(mode, { ...filters, page: 1, per_page: 1 }, extra))).total,
  });
}

/** The last Beijing date counted as "due soon": two working days from today, holidays included. */
export function useSoonUntil() {
  const today = beijingDate(new Date());
  return useQuery({
    queryKey: ["soon-until", today],
    queryFn: async () =>
      (await api.get<{ last_day: string }>(`/api/calendar/period-end${query({ start: today, days: 2 })}`)).last_day,
    staleTime: 60 * 60_000,
  });
}

export function useCampaigns() {
  return useQuery({ queryKey: ["campaigns"], queryFn: () => api.get<Campaign[] | Page<Campaign>>("/api/campaigns"),
    select: (data) => (Array.isArray(data) ? data : data.items) });
}
