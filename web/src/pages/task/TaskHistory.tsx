import { Card, Timeline } from "antd";
import { formatDateTime } from "../../lib/dates";
import { Failure, Loading } from "../../layout/states";
import { useTaskHistory } from "./useTask";

const STATE = { ready: "待办理", completed: "已办理", cancelled: "已取消" } as Record<string, string>;

export function TaskHistory({ instanceId }: { instanceId: string }) {
  const history = useTaskHistory(instanceId);
  return (
    <Card title="办理经过" size="small">
      {history.isLoading && <Loading />}
      {history.error && <Failure error={history.error} />}
      {history.data && history.data.items.length === 0 && "暂无记录"}
      {history.data && (
        <Timeline
          items={history.data.items.map((t) => ({
            color: t.state === "completed" ? "green" : t.state === "ready" ? "blue" : "gray",
            content: (
              <div>
                <div>{t.title}（{STATE[t.state] ?? t.state}）</div>
                <small>
                  {t.unit ?? t.lane ?? ""} ·{" "}
                  {t.completed_at ? `${t.completed_by ?? ""} 于 ${formatDateTime(t.completed_at)}` : `创建于 ${formatDateTime(t.created_at)}`}
                </small>
              </div>
            ),
          }))}
        />
      )}
    </Card>
  );
}
