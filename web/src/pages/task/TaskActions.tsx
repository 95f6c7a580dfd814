import { useQuery, useQueryClient } from "@tanstack/react-query";
import { App, Button, Form, Input, Modal, Select } from "antd";
import { useState } from "react";
import { api } from "../../api/client";
import type { TaskDetail, User } from "../../api/types";
import { describeError } from "../../lib/errors";

type Kind = "return" | "withdraw" | "transfer" | "remind";

const TITLES: Record<Kind, string> = { return: "退回", withdraw: "撤回", transfer: "转办", remind: "催办" };

interface Props {
  task: TaskDetail;
  version: number;
  onDone: () => void;
}

function TransferPicker({ taskId }: { taskId: string }) {
  const people = useQuery({
    queryKey: ["transfer-candidates", taskId],
    queryFn: () => api.get<User[]>(`/api/tasks/${taskId}/transfer-candidates`),
  });
  return (
    <Form.Item label="接收人" name="to" rules={[{ required: true, message: "请选择接收人" }]}>
      <Select
        showSearch={{ optionFilterProp: "label" }}
        loading={people.isLoading}
        notFoundContent={people.isLoading ? "正在加载…" : "没有可转办的同事"}
        options={(people.data ?? []).map((u) => ({ value: u.name, label: `${u.display_name}（${u.unit ?? u.role_name}）` }))}
      />
    </Form.Item>
  );
}

/** The acts besides 提交, each offered only when the server lists it in `actions`. */
export function TaskActions({ task, version, onDone }: Props) {
  const [open, setOpen] = useState<Kind | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm();
  const { message } = App.useApp();
  const client = useQueryClient();
  const offered = (["return", "withdraw", "transfer", "remind"] as Kind[]).filter((k) => task.actions.includes(k));

  async function act(values: { reason?: string; to?: string; message?: string }) {
    if (!open) return;
    setBusy(true);
    try {
      const body = open === "remind" ? { message: values.message || "请尽快办理" } : { version, ...values };
      await api.post(`/api/tasks/${task.task_id}/${open}`, body);
      message.success(`已${TITLES[open]}`);
      client.invalidateQueries();
      setOpen(null);
      if (open !== "remind") onDone();
    } catch (e) {
      message.error(describeError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      {offered.map((kind) => (
        <Button key={kind} danger={kind === "return"} onClick={() => { form.resetFields(); setOpen(kind); }}>
          {TITLES[kind]}
        </Button>
      ))}
      <Modal
        open={open !== null}
        title={open ? TITLES[open] : ""}
        okText="确定"
        cancelText="取消"
        confirmLoading={busy}
        onOk={() => form.submit()}
        onCancel={() => setOpen(null)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={act}>
          {open === "transfer" && <TransferPicker taskId={task.task_id} />}
          {open === "remind" ? (
            <Form.Item label="催办内容" name="message" initialValue="请尽快办理">
              <Input maxLength={500} />
            </Form.Item>
          ) : (
            <Form.Item
              label={open === "return" ? "退回理由" : "说明"}
              name="reason"
              rules={open === "return" ? [{ required: true, whitespace: true, message: "请填写退回理由" }] : []}
            >
              <Input.TextArea rows={3} maxLength={500} showCount />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </>
  );
}
