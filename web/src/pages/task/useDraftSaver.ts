import { useCallback, useEffect, useRef, useState } from "react";
import { request } from "../../api/client";
import { registerOpenForm } from "../../lib/localDrafts";

const DELAY_MS = 1500;

/** Saves the form as the task's draft shortly after each change, and once more on leaving the page
 * (or closing the tab); while the form is open, an expired session stashes it in the browser.
 * Changes go into a ref, not React state: re-rendering the page on every keystroke made rjsf drop
 * a change that came right after another. */
export function useDraftSaver(taskId: string, enabled: boolean, initial: Record<string, unknown>) {
  const latest = useRef(initial);
  const dirty = useRef(false);
  const timer = useRef<number | undefined>(undefined);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);

  const save = useCallback(
    async (keepalive = false) => {
      window.clearTimeout(timer.current);
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

  const change = useCallback(
    (data?: Record<string, unknown>) => {
      if (data) latest.current = data;
      dirty.current = true;
      window.clearTimeout(timer.current);
      timer.current = window.setTimeout(() => void save(), DELAY_MS);
    },
    [save],
  );

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
    window.clearTimeout(timer.current);
  }, []);

  return { savedAt, failed, change, settle, saveNow: save, current: () => latest.current };
}
