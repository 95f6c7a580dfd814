import { Card, Descriptions, Tag } from "antd";
import type { TaskDetail } from "../../api/types";
import { formatDateTime, formatDue } from "../../lib/dates";

export function TaskFacts({ task }: { task: TaskDetail }) {
  return (
    <Card title="推荐对象与任务" size="small">
      <Descriptions column={1} size="small">
        <Descriptions.Item label="推荐对象">{task.business_key ?? "—"}</Descriptions.Item>
        <Descriptions.Item label="环节">{task.title}</Descriptions.Item>
        <Descriptions.Item label="单位">{task.unit ?? task.lane ?? "—"}</Descriptions.Item>
        <Descriptions.Item label="截止日期">
          {formatDue(task.due_at)} {task.overdue && <Tag color="red">已逾期</Tag>}
        </Descriptions.Item>
        <Descriptions.Item label="状态">{task.state === "ready" ? "待办理" : task.state === "completed" ? "已办理" : "已取消"}</Descriptions.Item>
        {task.assignee && <Descriptions.Item label="转办给">{task.assignee}</Descriptions.Item>}
      </Descriptions>
      {task.reminders.length > 0 && (
        <div>
          {task.reminders.map((r, i) => (
            <Tag key={i} color="orange">
              {r.sent_by} 于 {formatDateTime(r.sent_at)} 催办：{r.message}
            </Tag>
          ))}
        </div>
      )}
    </Card>
  );
}
