export interface User {
  name: string;
  display_name: string;
  role: string;
  role_name: string;
  unit: string | null;
}

export interface InboxItem {
  task_id: string;
  instance_id: string;
  spec: string;
  title: string;
  lane: string | null;
  role: string | null;
  unit: string | null;
  form: string | null;
  state: string;
  due_at: string | null;
  overdue: boolean;
  created_at: string;
  completed_at: string | null;
  completed_by: string | null;
  assignee: string | null;
  business_key: string | null;
  process_id: string | null;
  campaign_id?: string | null;
  campaign_name?: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  per_page: number;
  next_cursor?: string | null;
}

export interface TaskDetail extends InboxItem {
  version: number;
  instance_status: string;
  reminders: { sent_by: string; sent_at: string; message: string }[];
  actions: string[];
}

export interface TaskSubject {
  candidate_id: string;
  name: string;
  unit: string;
  award_type: string;
  candidate_type: string;
  stage: string;
  form: string | null;
  schema: Record<string, unknown> | null;
  data: Record<string, unknown> | null;
}

export interface TaskForm {
  task_id: string;
  form: string | null;
  schema: Record<string, unknown>;
  ui_schema: Record<string, unknown> | null;
  data: Record<string, unknown>;
  draft_saved_at: string | null;
  version: number;
  subject?: TaskSubject | null;
}

export interface Campaign {
  id: string;
  variant: string;
  name: string;
  created_at: string;
}

export interface CapStatus {
  name?: string;
  description?: string;
  value?: number;
  limit?: number;
  ok: boolean;
  [key: string]: unknown;
}
