import { Breadcrumb } from "antd";
import { Link, useParams } from "react-router";
import { Failure, Loading } from "../../layout/states";
import { SubjectCard } from "./SubjectCard";
import { TaskFacts } from "./TaskFacts";
import { TaskForm } from "./TaskForm";
import { TaskHistory } from "./TaskHistory";
import { useTaskDetail, useTaskForm } from "./useTask";

export default function TaskPage() {
  const { taskId = "" } = useParams();
  const detail = useTaskDetail(taskId);
  const form = useTaskForm(taskId);
  if (detail.error || form.error) return <Failure error={detail.error ?? form.error} retry={() => { detail.refetch(); form.refetch(); }} />;
  if (!detail.data || !form.data) return <Loading />;
  return (
    <>
      <Breadcrumb style={{ marginBottom: 12 }} items={[{ title: <Link to="/">待办</Link> }, { title: detail.data.title }]} />
      <div className="task-grid">
        <TaskForm key={taskId} task={detail.data} form={form.data} />
        <div style={{ display: "flex", flexDirection: "column", gap: 16 }}>
          {form.data.subject && <SubjectCard subject={form.data.subject} />}
          <TaskFacts task={detail.data} />
          <TaskHistory instanceId={detail.data.instance_id} />
        </div>
      </div>
    </>
  );
}
