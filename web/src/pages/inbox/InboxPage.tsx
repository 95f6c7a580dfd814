import { Card, Typography } from "antd";
import { useMemo, useRef } from "react";
import { useSearchParams } from "react-router";
import { Failure } from "../../layout/states";
import { InboxFilterBar } from "./InboxFilterBar";
import { InboxTable } from "./InboxTable";
import { useInbox, useSoonUntil, type InboxFilters } from "./useInbox";

const KEYS = ["campaign_id", "spec", "lane", "q"] as const;

/** Filters live in the address so that back, reload and a shared link show the same list. */
function readFilters(params: URLSearchParams): InboxFilters {
  const f: InboxFilters = { page: Number(params.get("page")) || 1, per_page: Number(params.get("per_page")) || 20 };
  for (const key of KEYS) f[key] = params.get(key) || undefined;
  if (params.get("overdue") === "true") f.overdue = true;
  return f;
}

export default function InboxPage({ mode }: { mode: "open" | "done" }) {
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);
  const inbox = useInbox(mode, filters);
  const soon = useSoonUntil();
  const seenStages = useRef(new Map<string, string>());
  for (const item of inbox.data?.items ?? []) seenStages.current.set(item.spec, item.title);
  const stages = useMemo(
    () => [...seenStages.current].map(([value, label]) => ({ value, label })),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [inbox.data],
  );

  function change(patch: Partial<InboxFilters>) {
    const next = { ...filters, page: 1, ...patch };
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(next)) {
      if (value !== undefined && value !== null && value !== "" && !(key === "page" && value === 1) && !(key === "per_page" && value === 20)) {
        search.set(key, String(value));
      }
    }
    setParams(search);
  }

  return (
    <Card>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {mode === "open" ? "待办" : "已办"}
      </Typography.Title>
      <InboxFilterBar mode={mode} filters={filters} stages={stages} soonUntil={soon.data ?? null} onChange={change} listLoaded={!!inbox.data} />
      {inbox.error ? (
        <Failure error={inbox.error} retry={() => inbox.refetch()} />
      ) : (
        <InboxTable
          mode={mode}
          data={inbox.data}
          loading={inbox.isFetching}
          soonUntil={soon.data ?? null}
          onPage={(page, per_page) => change({ page, per_page })}
        />
      )}
    </Card>
  );
}
