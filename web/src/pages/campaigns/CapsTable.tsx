import { Table, Tag } from "antd";
import type { Dashboard } from "./api";

type Cap = Dashboard["caps"][number];

const percent = (v: number) => `${(v * 100).toFixed(1)}%`;

/** Every ratio cap with its current value and limit; broken ones first and red. */
export function CapsTable({ caps, loading }: { caps: Cap[]; loading?: boolean }) {
  const rows = [...caps].sort((a, b) => Number(a.ok) - Number(b.ok));
  return (
    <Table<Cap>
      rowKey="id"
      size="small"
      loading={loading}
      pagination={false}
      dataSource={rows}
      locale={{ emptyText: "没有比例限制" }}
      rowClassName={(c) => (c.ok ? "" : "row-overdue")}
      columns={[
        { title: "比例限制", dataIndex: "label" },
        { title: "当前", key: "value", render: (_, c) => `${c.count} / ${c.base}（${percent(c.ratio)}）` },
        { title: "限值", key: "limit", render: (_, c) => `${c.kind === "max" ? "不超过" : "不少于"} ${percent(c.limit)}` },
        { title: "是否符合", key: "ok", render: (_, c) => (c.ok ? <Tag color="green">符合</Tag> : <Tag color="red">超出</Tag>) },
      ]}
    />
  );
}
