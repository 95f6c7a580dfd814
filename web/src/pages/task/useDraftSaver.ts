import { useCallback, useEffect, useRef, useState } from "react";
import { request } from "../../api/client";
import { registerOpenForm } from "../../lib/localDrafts";

const DELAY_MS = 1500;

/** Saves the form as the task's draft shortly after each change, and once more on leaving the page
 * (or closing the tab); while the form is open, an expired session stashes it in the browser. */
export function useDraftSaver(taskId: string, enabled: boolean, data: Record<string, unknown>) {
  const latest = useRef(data);
  const dirty = useRef(false);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  latest.current = data;

  const save = useCallback(
    async (keepalive = false) => {
      if (!enabled || !dirty.current) return;
      dirty.current = false;
      try {
        const saved = await request<{ saved_at: string }>("PUT", `/api/tasks/${taskId}/draft`, { data: latest.current }, { keepalive });
        setSavedAt(saved.saved_at);
        setFailed(false);
      } catch {
        dirty.current = true;
        setFailed(true);
      }
    },
    [enabled, taskId],
  );

  const touch = useCallback(() => {
    dirty.current = true;
  }, []);

  useEffect(() => {
    if (!dirty.current) return;
    const timer = window.setTimeout(() => void save(), DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [data, save]);

  useEffect(() => {
    if (!enabled) return;
    const unregister = registerOpenForm(taskId, () => latest.current);
    const leave = () => void save(true);
    window.addEventListener("pagehide", leave);
    return () => {
      window.removeEventListener("pagehide", leave);
      unregister();
      void save(true);
    };
  }, [enabled, save, taskId]);

  /** After a successful submit there is nothing left to save. */
  const settle = useCallback(() => {
    dirty.current = false;
  }, []);

  return { savedAt, failed, touch, settle, saveNow: save };
}
