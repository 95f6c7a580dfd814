import { Table, Tag } from "antd";
import type { ColumnsType } from "antd/es/table";
import { Link } from "react-router";
import type { InboxItem, Page } from "../../api/types";
import { dueState, formatDateTime, formatDue } from "../../lib/dates";

interface Props {
  mode: "open" | "done";
  data: Page<InboxItem> | undefined;
  loading: boolean;
  soonUntil: string | null;
  onPage: (page: number, perPage: number) => void;
}

export function InboxTable({ mode, data, loading, soonUntil, onPage }: Props) {
  const columns: ColumnsType<InboxItem> = [
    {
      title: "推荐对象",
      key: "name",
      render: (_, item) => <Link to={`/tasks/${item.task_id}`}>{item.business_key || "（未命名）"}</Link>,
    },
    { title: "评选活动", dataIndex: "campaign_name", render: (v) => v || "—", responsive: ["md"] },
    { title: "环节", dataIndex: "title" },
    { title: "单位", dataIndex: "unit", render: (v) => v || "—", responsive: ["lg"] },
    mode === "open"
      ? {
          title: "截止日期",
          key: "due",
          render: (_, item) => {
            const state = dueState(item.due_at, item.overdue, soonUntil);
            return (
              <span>
                {formatDue(item.due_at)}{" "}
                {state === "overdue" && <Tag color="red">已逾期</Tag>}
                {state === "soon" && <Tag color="orange">即将到期</Tag>}
              </span>
            );
          },
        }
      : { title: "办理时间", key: "done", render: (_, item) => formatDateTime(item.completed_at) },
  ];
  return (
    <Table<InboxItem>
      rowKey="task_id"
      size="middle"
      columns={columns}
      dataSource={data?.items ?? []}
      loading={loading}
      locale={{ emptyText: mode === "open" ? "暂无待办任务" : "暂无已办任务" }}
      rowClassName={(item) => {
        if (mode !== "open") return "";
        const state = dueState(item.due_at, item.overdue, soonUntil);
        return state === "overdue" ? "row-overdue" : state === "soon" ? "row-soon" : "";
      }}
      pagination={{
        current: data?.page ?? 1,
        pageSize: data?.per_page ?? 20,
        total: data?.total ?? 0,
        showSizeChanger: true,
        pageSizeOptions: [20, 50, 100],
        showTotal: (total) => `共 ${total} 项`,
        onChange: onPage,
      }}
    />
  );
}
