import { useQuery } from "@tanstack/react-query";
import { api, query } from "../../api/client";
import type { InboxItem, Page, TaskDetail, TaskForm } from "../../api/types";

export function useTaskDetail(taskId: string) {
  return useQuery({ queryKey: ["task", taskId], queryFn: () => api.get<TaskDetail>(`/api/tasks/${taskId}`) });
}

export function useTaskForm(taskId: string) {
  return useQuery({
    queryKey: ["task-form", taskId],
    queryFn: () => api.get<TaskForm>(`/api/tasks/${taskId}/form`),
    staleTime: Infinity, // the form is the user's work in progress: never refetched behind their back
  });
}

/** The steps of this candidate's process the caller can see, oldest first. */
export function useTaskHistory(instanceId: string | undefined) {
  return useQuery({
    enabled: !!instanceId,
    queryKey: ["task-history", instanceId],
    queryFn: () =>
      api.get<Page<InboxItem>>(`/api/tasks${query({ instance_id: instanceId, state: "all", sort: "created_at", per_page: 100 })}`),
  });
}
