import { Table, Tag } from "antd";

/** One rule of the notice over the selected set at a review step (engine/rules.py, docs/rules.md). */
export interface RuleStatus {
  id: string;
  quote: string;
  force: "binding" | "advisory";
  kind: string;
  ok: boolean;
  value: string;
  limit: string;
  group: string | null;
  description: string;
}

/** Every rule with the notice's words, its current value and limit; broken ones first and red. */
export function RulesTable({ rules, loading }: { rules: RuleStatus[]; loading?: boolean }) {
  const rows = [...rules].sort((a, b) => Number(a.ok) - Number(b.ok));
  return (
    <Table<RuleStatus>
      rowKey={(r) => `${r.id}/${r.group ?? ""}`}
      size="small"
      loading={loading}
      pagination={false}
      dataSource={rows}
      locale={{ emptyText: "本环节没有通知规定的名额或比例" }}
      rowClassName={(r) => (r.ok ? "" : "row-overdue")}
      columns={[
        { title: "通知规定", dataIndex: "quote", render: (q: string, r) => (r.group ? `${q}（${r.group}）` : q) },
        { title: "当前", dataIndex: "value" },
        { title: "限值", dataIndex: "limit" },
        { title: "效力", dataIndex: "force", render: (f: string) => (f === "binding" ? "约束性" : "原则性（仅提示）") },
        { title: "是否符合", key: "ok", render: (_, r) => (r.ok ? <Tag color="green">符合</Tag> : <Tag color="red">{r.force === "binding" ? "超出" : "提示"}</Tag>) },
      ]}
    />
  );
}
