import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, type ReactNode } from "react";
import { useLocation, useNavigate } from "react-router";
import { api, ApiError, SESSION_EXPIRED } from "../api/client";
import type { User } from "../api/types";
import { stashOpenForms } from "../lib/localDrafts";

const UserContext = createContext<User | null>(null);

export function useUser(): User {
  const user = useContext(UserContext);
  if (!user) throw new Error("useUser outside a signed-in page");
  return user;
}

export function useMe() {
  return useQuery({
    queryKey: ["me"],
    queryFn: () => api.get<User>("/api/auth/me"),
    retry: false,
    staleTime: 5 * 60_000,
  });
}

/** Guards the signed-in pages: no session → login page, remembering where the user was. */
export function RequireUser({ children }: { children: ReactNode }) {
  const me = useMe();
  const navigate = useNavigate();
  const location = useLocation();
  const client = useQueryClient();
  const unauthenticated = me.error instanceof ApiError && me.error.status === 401;

  useEffect(() => {
    const expired = () => {
      stashOpenForms();
      client.removeQueries({ queryKey: ["me"] });
      const next = location.pathname + location.search;
      navigate(`/login?next=${encodeURIComponent(next)}&expired=1`, { replace: true });
    };
    window.addEventListener(SESSION_EXPIRED, expired);
    return () => window.removeEventListener(SESSION_EXPIRED, expired);
  }, [client, location, navigate]);

  useEffect(() => {
    if (unauthenticated) {
      navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
    }
  }, [unauthenticated, location, navigate]);

  if (me.data) return <UserContext.Provider value={me.data}>{children}</UserContext.Provider>;
  return null;
}
