import { useQuery } from "@tanstack/react-query";
import { api, query } from "../../api/client";
import type { CapStatus, InboxItem, Page } from "../../api/types";

export interface CampaignConfig {
  id: string;
  variant: string;
  name: string;
  title: string;
  notice: string;
  award_types: Record<string, string>;
  candidate_types: string[];
  tags: string[];
  deadlines: Record<string, string>;
  publicity: { days: number; convention: string };
  ratio_caps: { id: string; label: string; tag: string; scope: string; max: number | null; min: number | null }[];
}

export interface Dashboard {
  stages: Record<string, number>;
  outcomes: Record<string, number>;
  quotas: { unit: string; award_type: string; limit: number; used: number }[];
  caps: (CapStatus & { id: string; label: string; count: number; base: number; ratio: number; limit: number; kind: string; description: string })[];
}

export interface CandidateRow {
  id: string;
  name: string;
  unit: string;
  award_type: string;
  candidate_type: string;
  tags: string[];
  stage: string;
  outcome: string | null;
}

export const DEADLINE_NAMES: Record<string, string> = {
  submit_by: "报送截止",
  unit_publicity_by: "单位公示截止",
  review_by: "审核截止",
};

export function useCampaign(id: string) {
  return useQuery({ queryKey: ["campaign", id], queryFn: () => api.get<CampaignConfig>(`/api/campaigns/${id}`) });
}

export function useDashboard(id: string) {
  return useQuery({ queryKey: ["dashboard", id], queryFn: () => api.get<Dashboard>(`/api/campaigns/${id}/dashboard`) });
}

export function useCandidates(id: string, page = 1, perPage = 100) {
  return useQuery({
    queryKey: ["candidates", id, page, perPage],
    queryFn: () => api.get<Page<CandidateRow>>(`/api/campaigns/${id}/candidates${query({ page, per_page: perPage })}`),
  });
}

/** The caller's open tasks in a campaign (at most 100: a review list is at most that long). */
export function useCampaignTasks(id: string) {
  return useQuery({
    queryKey: ["inbox", "campaign", id],
    queryFn: () => api.get<Page<InboxItem>>(`/api/tasks${query({ campaign_id: id, per_page: 100 })}`),
  });
}
