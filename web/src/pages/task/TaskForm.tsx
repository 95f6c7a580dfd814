import Form from "@rjsf/antd";
import type { ErrorSchema, RJSFSchema, UiSchema } from "@rjsf/utils";
import { useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Modal, Space, Typography } from "antd";
import { useEffect, useMemo, useState } from "react";
import { useNavigate } from "react-router";
import { api, ApiError } from "../../api/client";
import type { TaskDetail, TaskForm as TaskFormData } from "../../api/types";
import PhotoField from "../../forms/PhotoField";
import { translateString } from "../../forms/translate";
import { hasExternalRef, stripExternalRefs, withPhotoFields } from "../../forms/uiSchema";
import { transformErrors, validator } from "../../forms/validator";
import { formatDateTime } from "../../lib/dates";
import { describeError, toErrorSchema } from "../../lib/errors";
import { takeDraft } from "../../lib/localDrafts";
import { TaskActions } from "./TaskActions";
import { useDraftSaver } from "./useDraftSaver";

const FIELDS = { photo: PhotoField };

interface Props {
  task: TaskDetail;
  form: TaskFormData;
}

export function TaskForm({ task, form }: Props) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const { message } = App.useApp();
  const canSubmit = task.actions.includes("submit");
  const [restored] = useState(() => takeDraft(task.task_id));
  // rjsf keeps the form's state itself, but rebuilds it from the formData prop whenever another prop
  // changes (the task reloaded after a 409, the actions changed): so the prop is always the latest input.
  const [initial] = useState<Record<string, unknown>>(() => restored?.data ?? form.data ?? {});
  const [version, setVersion] = useState(task.version);
  const [serverErrors, setServerErrors] = useState<ErrorSchema | undefined>();
  const [problem, setProblem] = useState<string | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const drafts = useDraftSaver(task.task_id, task.actions.includes("save_draft"), initial);
  const external = hasExternalRef(form.schema);
  const schema = useMemo(() => (external ? stripExternalRefs(form.schema) : form.schema) as RJSFSchema, [form.schema, external]);
  const uiSchema = useMemo<UiSchema>(
    () => ({
      ...withPhotoFields(schema, (form.ui_schema ?? {}) as UiSchema),
      "ui:submitButtonOptions": { submitText: "提交", norender: !canSubmit, props: { type: "primary", disabled: busy } },
    }),
    [schema, form.ui_schema, canSubmit, busy],
  );

  useEffect(() => {
    if (restored) drafts.change(); // put the stashed input back on the server as the draft
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [restored]);

  async function submit(formData: Record<string, unknown>) {
    setBusy(true);
    setProblem(null);
    setServerErrors(undefined);
    try {
      await api.post(`/api/tasks/${task.task_id}/submit`, { version, data: formData });
      drafts.settle();
      client.invalidateQueries({ queryKey: ["inbox"] });
      client.invalidateQueries({ queryKey: ["inbox-count"] });
      message.success("已提交");
      navigate("/");
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) setConflict(describeError(e));
      else if (e instanceof ApiError && e.problem.errors && Object.keys(e.problem.errors).length) {
        setServerErrors(toErrorSchema(e.problem.errors, schema));
        setProblem(e.problem.detail ?? "表单填写有误，请按提示修改");
        window.setTimeout(() => document.querySelector<HTMLElement>(".ant-form-item-has-error input, .ant-form-item-has-error textarea")?.focus(), 0);
      } else setProblem(describeError(e));
    } finally {
      setBusy(false);
    }
  }

  async function reload() {
    // Only the version is taken from the server: what the user typed stays in the form.
    const fresh = await client.fetchQuery({ staleTime: 0, queryKey: ["task", task.task_id], queryFn: () => api.get<TaskDetail>(`/api/tasks/${task.task_id}`) });
    setVersion(fresh.version);
    setConflict(null);
    if (fresh.state !== "ready") setProblem("该任务已由他人办理，无需再提交。您填写的内容仍显示在下方。");
  }

  return (
    <Card
      className="task-form"
      title={(schema.title as string) ?? task.title}
      extra={
        <Typography.Text type={drafts.failed ? "danger" : "secondary"} aria-live="polite">
          {drafts.failed ? "草稿保存失败，将自动重试" : drafts.savedAt || form.draft_saved_at ? `草稿已保存于 ${formatDateTime(drafts.savedAt ?? form.draft_saved_at)}` : ""}
        </Typography.Text>
      }
    >
      {restored && <Alert type="info" showIcon title="已恢复登录过期前填写的内容" style={{ marginBottom: 12 }} />}
      {!canSubmit && <Alert type="info" showIcon title="此任务当前不能由您办理，表单仅供查看" style={{ marginBottom: 12 }} />}
      {external && <Alert type="warning" showIcon title="此表单引用了外部定义，浏览器内暂不能完整校验，提交时由服务器校验" style={{ marginBottom: 12 }} />}
      {problem && <Alert type="error" showIcon title={problem} role="alert" style={{ marginBottom: 12 }} />}
      <Form
        schema={schema}
        uiSchema={uiSchema}
        formData={drafts.current()}
        validator={validator}
        fields={FIELDS}
        translateString={translateString}
        transformErrors={transformErrors}
        extraErrors={serverErrors}
        extraErrorsBlockSubmit={false}
        showErrorList={false}
        focusOnFirstError
        noHtml5Validate
        readonly={!canSubmit}
        onChange={(e) => drafts.change(e.formData ?? {})}
        onSubmit={(e) => void submit(e.formData ?? {})}
      />
      <Space style={{ marginTop: 12 }} wrap>
        <TaskActions task={task} version={version} onDone={() => navigate("/")} />
        {canSubmit && <Button onClick={() => { drafts.change(); void drafts.saveNow(); }}>保存草稿</Button>}
      </Space>
      <Modal
        open={!!conflict}
        title="任务已被他人改动"
        okText="重新加载"
        cancelText="关闭"
        onOk={() => void reload()}
        onCancel={() => setConflict(null)}
      >
        <p>{conflict}</p>
        <p>重新加载只会取最新的版本号，您在表单中填写的内容不会丢失；核对后再点“提交”。</p>
      </Modal>
    </Card>
  );
}
