import { Badge, Checkbox, Input, Select, Space } from "antd";
import dayjs from "dayjs";
import { ZONE } from "../../lib/dates";
import { LANES } from "../../lib/lanes";
import { useCampaigns, useCount, type InboxFilters } from "./useInbox";

interface Props {
  mode: "open" | "done";
  filters: InboxFilters;
  stages: { value: string; label: string }[];
  soonUntil: string | null;
  onChange: (patch: Partial<InboxFilters>) => void;
  /** Counts wait for the list itself, so that the rows people came for arrive first. */
  listLoaded: boolean;
}

function CountBadge({ label, count }: { label: string; count: number | undefined }) {
  return (
    <span>
      {label} <Badge count={count ?? 0} showZero overflowCount={99999} color="#8c8c8c" />
    </span>
  );
}

export function InboxFilterBar({ mode, filters, stages, soonUntil, onChange, listLoaded }: Props) {
  const campaigns = useCampaigns();
  const base = { campaign_id: filters.campaign_id, spec: filters.spec, lane: filters.lane, q: filters.q };
  const all = useCount(mode, base, {}, listLoaded);
  const overdue = useCount(mode, base, { overdue: true }, listLoaded && mode === "open");
  // Due at 24:00 of that day at the latest: 00:00 of the next day in Beijing.
  const soonEnd = soonUntil ? dayjs.tz(soonUntil, ZONE).add(1, "day").format() : "";
  const soon = useCount(mode, base, soonEnd ? { due_before: soonEnd } : {}, listLoaded && !!soonEnd && mode === "open");
  return (
    <Space wrap className="inbox-filters" size="middle" style={{ marginBottom: 16 }}>
      <Input.Search
        allowClear
        placeholder="按推荐对象名称查找"
        aria-label="按推荐对象名称查找"
        defaultValue={filters.q}
        onSearch={(q) => onChange({ q: q.trim() || undefined })}
        style={{ width: 220 }}
      />
      <Select
        allowClear
        placeholder="评选活动"
        aria-label="评选活动"
        style={{ width: 200 }}
        value={filters.campaign_id}
        loading={campaigns.isLoading}
        options={(campaigns.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
        onChange={(campaign_id) => onChange({ campaign_id })}
      />
      <Select
        allowClear
        placeholder="环节"
        aria-label="环节"
        style={{ width: 180 }}
        value={filters.spec}
        options={stages}
        notFoundContent="当前列表中暂无环节"
        onChange={(spec) => onChange({ spec })}
      />
      <Select
        allowClear
        placeholder="泳道"
        aria-label="泳道"
        style={{ width: 150 }}
        value={filters.lane}
        options={LANES.map((lane) => ({ value: lane, label: lane }))}
        onChange={(lane) => onChange({ lane })}
      />
      {mode === "open" && (
        <Checkbox checked={!!filters.overdue} onChange={(e) => onChange({ overdue: e.target.checked || undefined })}>
          只看已逾期
        </Checkbox>
      )}
      <CountBadge label="全部" count={all.data} />
      {mode === "open" && <CountBadge label="已逾期" count={overdue.data} />}
      {mode === "open" && soonEnd && <CountBadge label="两个工作日内到期（含已逾期）" count={soon.data} />}
    </Space>
  );
}
