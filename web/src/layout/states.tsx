import { Alert, Button, Spin } from "antd";
import { describeError } from "../lib/errors";

export function Loading({ text = "正在加载…" }: { text?: string }) {
  return (
    <div className="state-loading" role="status">
      <Spin /> <span>{text}</span>
    </div>
  );
}

export function Failure({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <Alert
      type="error"
      showIcon
      title={describeError(error)}
      action={retry && <Button size="small" onClick={retry}>重试</Button>}
    />
  );
}
