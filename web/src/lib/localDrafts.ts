// Form input kept in the browser when the session runs out mid-form, so nothing typed is lost: the
// task page puts it back (and saves it as the server draft) after the next login.
const PREFIX = "pingxuan:draft:";

export interface LocalDraft {
  data: Record<string, unknown>;
  saved_at: string;
}

export function stashDraft(taskId: string, data: Record<string, unknown>, storage: Storage = localStorage) {
  storage.setItem(PREFIX + taskId, JSON.stringify({ data, saved_at: new Date().toISOString() }));
}

export function takeDraft(taskId: string, storage: Storage = localStorage): LocalDraft | null {
  const raw = storage.getItem(PREFIX + taskId);
  if (!raw) return null;
  storage.removeItem(PREFIX + taskId);
  try {
    return JSON.parse(raw) as LocalDraft;
  } catch {
    return null;
  }
}

// Forms being filled register here; on a 401 every one is stashed before the login page shows.
const open = new Map<string, () => Record<string, unknown>>();

export function registerOpenForm(taskId: string, read: () => Record<string, unknown>) {
  open.set(taskId, read);
  return () => open.delete(taskId);
}

export function stashOpenForms() {
  for (const [taskId, read] of open) stashDraft(taskId, read());
}
